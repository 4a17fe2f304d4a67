import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digestsEqual } from './digest.js';

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
