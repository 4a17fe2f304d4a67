import { AirlockError } from './errors.js';

/**
 * Canonical JSON: object keys sorted by UTF-16 code unit, no insignificant whitespace, no
 * undefined values. Signing canonical bytes means any reader can re-derive what was signed.
 */
export function canonicalJson(value: unknown): string {
  try {
    const ordered = inCanonicalOrder(value);
    return ordered === MIXED_KEYS ? serialize(value) : JSON.stringify(ordered);
  } catch (err) {
    if (err instanceof Unserializable) throw new AirlockError('INTERNAL', `canonical JSON cannot hold ${err.what} at ${err.path || '(root)'}`);
    throw err;
  }
}

/** Where a value could not be written; the path is built only on the way out of a failure. */
class Unserializable extends Error {
  path = '';
  constructor(readonly what: string) {
    super(what);
  }
  at(segment: string): this {
    this.path = `${segment}${this.path}`;
    return this;
  }
}

/** Returned when an object has index-like keys, which V8 enumerates before the others whatever their order. */
const MIXED_KEYS = Symbol('mixed keys');
const OBJECT_PROTOTYPE = Object.prototype;

/**
 * The value with every object's keys in canonical order: itself where they already are (the
 * common case, so nothing is copied), else a copy. JSON.stringify then writes the canonical bytes
 * natively, several times faster than building the string here. Only plain objects, arrays,
 * strings, finite numbers, booleans and null pass; anything else is refused as `serialize` would.
 */
function inCanonicalOrder(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return checkedScalar(value);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      let ordered: unknown;
      try {
        if (item === undefined) throw new Unserializable('undefined');
        ordered = inCanonicalOrder(item);
      } catch (err) {
        throw err instanceof Unserializable ? err.at(`[${i}]`) : err;
      }
      if (ordered === MIXED_KEYS) return MIXED_KEYS;
      if (ordered !== item) (copy ??= value.slice(0, i))[i] = ordered;
      else if (copy) copy[i] = item;
    }
    return copy ?? value;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== OBJECT_PROTOTYPE && prototype !== null) return MIXED_KEYS;
  return orderedObject(value as Record<string, unknown>);
}

function orderedObject(object: Record<string, unknown>): unknown {
  const keys = Object.keys(object);
  let sorted = true;
  /** Members whose value had to be reordered itself (objects, so never undefined or null). */
  let reordered: Map<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (isIndexLike(key)) return MIXED_KEYS;
    if (i > 0 && (keys[i - 1] as string) >= key) sorted = false;
    const v = object[key];
    if (v === undefined) continue;
    let ordered: unknown;
    try {
      ordered = inCanonicalOrder(v);
    } catch (err) {
      throw err instanceof Unserializable ? err.at(`.${key}`) : err;
    }
    if (ordered === MIXED_KEYS) return MIXED_KEYS;
    if (ordered !== v) (reordered ??= new Map()).set(key, ordered);
  }
  if (sorted && !reordered) return object;
  // No prototype: a member named __proto__ is then an own property, not the copy's prototype.
  const copy: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  // Default sort order is UTF-16 code unit order, the canonical one.
  for (const key of sorted ? keys : keys.sort()) {
    const v = object[key];
    if (v !== undefined) copy[key] = reordered?.get(key) ?? v;
  }
  return copy;
}

function checkedScalar(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new Unserializable(String(value));
      return value;
    default:
      if (value === null) return value;
      throw new Unserializable(`a ${typeof value}`);
  }
}

/** An array index as V8 stores it: 0 to 2^32 - 2 in canonical decimal. */
function isIndexLike(key: string): boolean {
  const first = key.charCodeAt(0);
  if (first < 48 || first > 57 || key.length > 10) return false;
  return /^(?:0|[1-9]\d*)$/.test(key) && Number(key) < 4294967295;
}

// Catalogs and manifests of whole archives have 100,000s of values: no per-value allocation
// beyond the output, no path strings unless something fails.
function serialize(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(checkedScalar(value));
  return Array.isArray(value) ? serializeArray(value) : serializeObject(value as Record<string, unknown>);
}

function serializeArray(items: unknown[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ',';
    try {
      out += serialize(items[i]);
    } catch (err) {
      throw err instanceof Unserializable ? err.at(`[${i}]`) : err;
    }
  }
  return `${out}]`;
}

function serializeObject(object: Record<string, unknown>): string {
  const keys = Object.keys(object).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = object[key];
    if (v === undefined) continue;
    if (!first) out += ',';
    first = false;
    try {
      out += `${JSON.stringify(key)}:${serialize(v)}`;
    } catch (err) {
      throw err instanceof Unserializable ? err.at(`.${key}`) : err;
    }
  }
  return `${out}}`;
}
