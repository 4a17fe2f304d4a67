import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digestsEqual, isDigest, isSha256Hex } from './digest.js';

describe('digestsEqual', () => {
  it('is string equality, for any strings (property)', () => {
    const hexish = fc.string({ unit: fc.constantFrom('a', 'b', '0', '1', 'é', '\u{1f600}'), maxLength: 6 });
    fc.assert(fc.property(hexish, hexish, (a, b) => {
      expect(digestsEqual(a, b)).toBe(a === b);
      expect(digestsEqual(a, a)).toBe(true);
    }), { numRuns: 2000 });
  });

  it('tells digests apart by their last character and by length', () => {
    const d = `sha256:${'ab'.repeat(32)}`;
    expect(digestsEqual(d, `${d.slice(0, -1)}c`)).toBe(false);
    expect(digestsEqual(d, d.slice(0, -1))).toBe(false);
    expect(digestsEqual(d, `${d}`)).toBe(true);
  });
});

describe('isDigest and isSha256Hex', () => {
  it('accept exactly what /^sha256:[0-9a-f]{64}$/ and /^[0-9a-f]{64}$/ accept (property)', () => {
    const unit = fc.constantFrom('0', '9', 'a', 'f', 'A', 'F', 'g', '/', ':', '`', '@', 'é', '\n');
    const hex = fc.string({ unit, minLength: 62, maxLength: 66 });
    const candidate = fc.oneof(hex, hex.map((h) => `sha256:${h}`), hex.map((h) => `SHA256:${h}`), hex.map((h) => `sha256:${h}\n`));
    fc.assert(fc.property(candidate, (s) => {
      expect(isDigest(s)).toBe(/^sha256:[0-9a-f]{64}$/.test(s));
      expect(isSha256Hex(s)).toBe(/^[0-9a-f]{64}$/.test(s));
    }), { numRuns: 5000 });
    const good = 'a0'.repeat(32);
    expect(isDigest(`sha256:${good}`)).toBe(true);
    expect(isSha256Hex(good)).toBe(true);
    for (const other of [undefined, null, 7, ['sha256:'], { toString: () => `sha256:${good}` }]) expect(isDigest(other)).toBe(false);
  });
});
