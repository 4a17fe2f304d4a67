import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectCode } from '@airlock/test-utils';
import { armoredKeyBlocks } from './armor-blocks.js';
import { readPublicKeys } from './public-keys.js';

/** The expression armoredKeyBlocks replaced: same blocks, but quadratic without END lines. */
const LAZY_BLOCKS = /-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----[\s\S]*?-----END PGP \1 KEY BLOCK-----/g;

describe('armoredKeyBlocks', () => {
  it('finds the same blocks as the lazy expression it replaced, on texts made of armor lines', () => {
    const line = fc.constantFrom('-----BEGIN PGP PUBLIC KEY BLOCK-----', '-----END PGP PUBLIC KEY BLOCK-----', '-----BEGIN PGP PRIVATE KEY BLOCK-----', '-----END PGP PRIVATE KEY BLOCK-----', 'mQINBF', '', '=abcd', '-----BEGIN PGP PUBLIC KEY BLOCK----------END PGP PUBLIC KEY BLOCK-----');
    fc.assert(fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
      const text = lines.join('\n');
      expect(armoredKeyBlocks(text)).toEqual(text.match(LAZY_BLOCKS) ?? []);
    }), { numRuns: 2000 });
  });

  it('refuses 40000 BEGIN lines without an END in linear time (regression: the lazy expression took 30 s on these 1.5 MB)', async () => {
    const text = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n'.repeat(40_000);
    const started = Date.now();
    await expectCode(readPublicKeys(text), 'KEY_INVALID');
    // Linear: milliseconds. The lazy expression's cost grew with the square of the number of lines.
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
