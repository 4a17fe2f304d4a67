import { AirlockError } from './errors.js';

/**
 * Canonical JSON: object keys sorted by UTF-16 code unit, no insignificant whitespace, no
 * undefined values. Signing canonical bytes means any reader can re-derive what was signed.
 */
export function canonicalJson(value: unknown): string {
  try {
    return serialize(value);
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

// Catalogs and manifests of whole archives have 100,000s of values: no per-value allocation
// beyond the output, no path strings unless something fails.
function serialize(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new Unserializable(String(value));
      return JSON.stringify(value);
    case 'object':
      return Array.isArray(value) ? serializeArray(value) : serializeObject(value as Record<string, unknown>);
    default:
      throw new Unserializable(`a ${typeof value}`);
  }
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
