import fc from 'fast-check';

export interface JsonMutationOptions {
  /** Format-specific values to put in place of others (digests, names, paths). */
  values?: readonly unknown[];
  /** Most mutations applied to one document (default 3). */
  maxOps?: number;
}

/** Values a validator must not take for granted: wrong types, bounds, unsafe numbers, hostile strings. */
const HOSTILE: readonly unknown[] = [
  null, true, false, 0, -1, 1, 1.5, -0, 2 ** 53, 2 ** 64, 1e308, -1e308, '', ' ', '0', '-1', 'NaN',
  '../../../etc/passwd', '/etc/passwd', 'a/../b', './', '\0', 'x\ny', '__proto__', 'constructor', 'toString',
  'é', '\u{1f600}', 'A'.repeat(300), 'a'.repeat(5000), `sha256:${'0'.repeat(64)}`, `sha256:${'F'.repeat(64)}`, 'sha512:00',
  [], [null], {}, JSON.parse('{"__proto__": {"polluted": true}}') as unknown, [[[]]], { a: { b: { c: {} } } },
];

type JsonOp =
  | { op: 'replace'; node: number; value: unknown }
  | { op: 'delete'; node: number }
  | { op: 'add-key'; node: number; key: string; value: unknown }
  | { op: 'duplicate'; node: number; times: number }
  | { op: 'retype'; node: number };

/**
 * Documents made from a real valid JSON document by structural mutations: a value replaced (by
 * a hostile one, a random JSON value or another value of the same document), a key deleted or
 * added, an array element repeated, a value's type changed. Most fields stay valid, so the
 * validator's checks of the mutated field and of cross-field rules are reached.
 */
export function mutatedJson(seed: unknown, o: JsonMutationOptions = {}): fc.Arbitrary<unknown> {
  const pool = [...HOSTILE, ...(o.values ?? [])];
  const value = fc.oneof({ arbitrary: fc.constantFrom(...pool), weight: 3 }, { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 }, { arbitrary: fc.record({ copyOf: fc.nat() }), weight: 1 });
  const key = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'extra', 'digest', 'size', 'path', ''), fc.string({ maxLength: 12 }));
  const op: fc.Arbitrary<JsonOp> = fc.oneof(
    { arbitrary: fc.record({ op: fc.constant('replace' as const), node: fc.nat(), value }), weight: 4 },
    fc.record({ op: fc.constant('delete' as const), node: fc.nat() }),
    fc.record({ op: fc.constant('add-key' as const), node: fc.nat(), key, value }),
    fc.record({ op: fc.constant('duplicate' as const), node: fc.nat(), times: fc.integer({ min: 1, max: 50 }) }),
    fc.record({ op: fc.constant('retype' as const), node: fc.nat() }),
  );
  return fc.array(op, { minLength: 1, maxLength: o.maxOps ?? 3 }).map((ops) => ops.reduce(apply, structuredClone(seed)));
}

interface Slot {
  parent: Record<string, unknown> | unknown[] | undefined;
  key: string | number;
  value: unknown;
}

/** Every value of the document, depth first, the root included (with no parent). */
function slots(doc: unknown): Slot[] {
  const out: Slot[] = [];
  const walk = (value: unknown, parent: Slot['parent'], key: Slot['key']): void => {
    out.push({ parent, key, value });
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, value, i));
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, value as Record<string, unknown>, k);
  };
  walk(doc, undefined, '');
  return out;
}

function apply(doc: unknown, m: JsonOp): unknown {
  const all = slots(doc);
  const slot = all[m.node % all.length] as Slot;
  const set = (value: unknown): unknown => {
    if (slot.parent === undefined) return value;
    if (Array.isArray(slot.parent)) slot.parent[slot.key as number] = value;
    else Object.defineProperty(slot.parent, slot.key, { value, enumerable: true, writable: true, configurable: true });
    return doc;
  };
  switch (m.op) {
    case 'replace': {
      const value = isCopy(m.value) ? structuredClone((all[m.value.copyOf % all.length] as Slot).value) : structuredClone(m.value);
      return set(value);
    }
    case 'delete':
      if (slot.parent === undefined) return undefined;
      if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
      else delete slot.parent[slot.key as string];
      return doc;
    case 'add-key':
      if (slot.value === null || typeof slot.value !== 'object' || Array.isArray(slot.value)) return doc;
      // defineProperty, so "__proto__" becomes an own key as JSON.parse would make it.
      Object.defineProperty(slot.value, m.key, { value: structuredClone(m.value), enumerable: true, writable: true, configurable: true });
      return doc;
    case 'duplicate':
      if (!Array.isArray(slot.parent)) return doc;
      slot.parent.splice(slot.key as number, 0, ...Array.from({ length: m.times }, () => structuredClone(slot.value)));
      return doc;
    case 'retype':
      return set(retyped(slot.value));
  }
}

function isCopy(value: unknown): value is { copyOf: number } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as { copyOf?: unknown }).copyOf === 'number';
}

/** The same information in another JSON type: 5 ↔ "5", "x" → ["x"], [a] → {0: a}, {…} → [values]. */
function retyped(value: unknown): unknown {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : [value];
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (Array.isArray(value)) return Object.fromEntries(value.map((v, i) => [String(i), v]));
  if (value !== null && typeof value === 'object') return Object.values(value);
  return 'null';
}
