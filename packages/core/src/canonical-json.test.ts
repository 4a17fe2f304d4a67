import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { expectCodeSync } from '@airlock/test-utils';

/** The plain definition, for comparison: sorted keys, no undefined members, nothing else. */
function reference(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

describe('canonicalJson', () => {
  it('sorts keys by UTF-16 code unit, drops undefined members, keeps arrays in order', () => {
    expect(canonicalJson({ b: 1, a: [3, { z: null, B: true, 'é': 'x', y: undefined }], '\u{1f600}': 2, '\uff5a': 3 })).toBe(
      '{"a":[3,{"B":true,"z":null,"é":"x"}],"b":1,"\u{1f600}":2,"\uff5a":3}',
    );
  });

  it('refuses what JSON cannot hold, naming where', () => {
    expect(expectCodeSync(() => canonicalJson({ a: [1, { b: Number.NaN }] }), 'INTERNAL').message).toContain('.a[1].b');
    expect(expectCodeSync(() => canonicalJson([undefined]), 'INTERNAL').message).toContain('[0]');
    expectCodeSync(() => canonicalJson({ f: () => 1 }), 'INTERNAL');
  });

  it('matches the plain definition on random JSON (property)', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      expect(canonicalJson(value)).toBe(reference(value));
    }), { numRuns: 500 });
  });

  it('orders index-like keys as strings too (V8 enumerates them first), at any depth', () => {
    expect(canonicalJson({ b: 1, 10: 'x', 2: 'y', a: [{ 1: 0, '01': 1, '-1': 2 }] })).toBe('{"10":"x","2":"y","a":[{"-1":2,"01":1,"1":0}],"b":1}');
    expect(canonicalJson({ 4294967295: 1, 4294967294: 2 })).toBe('{"4294967294":2,"4294967295":1}');
  });

  it('writes objects that are not plain as their own enumerable keys, as before (a Date is {})', () => {
    class Point {
      constructor(readonly y: number, readonly x: number) {}
      toJSON(): string {
        return 'not used';
      }
    }
    expect(canonicalJson({ when: new Date(0), at: new Point(2, 1) })).toBe('{"at":{"x":1,"y":2},"when":{}}');
  });

  // Regression: the reordered copy was a plain object, so assigning its __proto__ member set the
  // copy's prototype instead and the member vanished from the output (found by the property test).
  it('keeps an own __proto__ member whose value or position had to be reordered', () => {
    const value = JSON.parse('{"z":1,"__proto__":{" ":"","":""}}') as unknown;
    expect(canonicalJson(value)).toBe('{"__proto__":{"":""," ":""},"z":1}');
    expect(canonicalJson(value)).toBe(reference(value));
    expect(canonicalJson([JSON.parse('{"__proto__":{"b":1,"a":2}}')])).toBe('[{"__proto__":{"a":2,"b":1}}]');
  });

  it('leaves already-ordered input untouched and does not change unordered input', () => {
    const unordered = { z: [{ b: 1, a: 2 }], a: 1 };
    const before = JSON.stringify(unordered);
    expect(canonicalJson(unordered)).toBe('{"a":1,"z":[{"a":2,"b":1}]}');
    expect(JSON.stringify(unordered)).toBe(before);
  });

  it('matches the plain definition on objects with digit, index-like and unordered keys (property)', () => {
    const key = fc.oneof(fc.constantFrom('0', '1', '2', '10', '01', '-1', '4294967294', '4294967295', 'a', 'B', 'é', '__proto__', 'constructor', 'toJSON'), fc.string({ maxLength: 3 }));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 1 }), fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(key, tie('node'), { maxKeys: 5 })),
    })).node;
    fc.assert(fc.property(value, (v) => {
      expect(canonicalJson(v)).toBe(reference(v));
    }), { numRuns: 1000 });
  });
});
