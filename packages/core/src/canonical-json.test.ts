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
});
