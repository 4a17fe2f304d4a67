import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { isAirlockError } from '@airlock/core';
import { splitAssertions } from './decode.js';
import { readAssertion } from './model.js';
import { readRootFile, snapRootAnchors } from './roots.js';

const VECTORS = readFileSync(new URL('../../test-data/canonical-vectors.assert', import.meta.url));

/** Runs `fn`; anything thrown must be an AirlockError (a coded refusal), never a crash. */
function onlyAirlockErrors(fn: () => unknown): boolean {
  try {
    fn();
  } catch (err) {
    if (!isAirlockError(err)) throw err;
  }
  return true;
}

const parsers = (input: Buffer): boolean =>
  onlyAirlockErrors(() => splitAssertions(input)) && onlyAirlockErrors(() => readAssertion(input)) && onlyAirlockErrors(() => readRootFile(input, 'fuzz')) && onlyAirlockErrors(() => snapRootAnchors.read(input));

describe('assertion parser fuzzing: only AirlockErrors come out', () => {
  it('on arbitrary bytes and on header-shaped text', () => {
    const headerish = fc
      .array(fc.oneof(fc.constantFrom('type: account-key', 'type: account', 'body-length: 3', '  - x', '    text', '  key:', 'a:', '', ':', 'sign-key-sha3-384: x'), fc.string({ maxLength: 20 })), { maxLength: 12 })
      .map((lines) => Buffer.from(lines.join('\n')));
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a)), headerish), parsers), { numRuns: 2000 });
  });

  it('on real assertions with bytes changed, inserted or cut', () => {
    const mutation = fc.record({ at: fc.nat(VECTORS.length - 1), byte: fc.integer({ min: 0, max: 255 }), kind: fc.constantFrom('set', 'insert', 'cut') });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        let bytes = Buffer.from(VECTORS);
        for (const m of mutations) {
          const at = m.at % Math.max(1, bytes.length);
          if (m.kind === 'set') bytes[at] = m.byte;
          else if (m.kind === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([m.byte]), bytes.subarray(at)]);
          else bytes = bytes.subarray(0, at);
        }
        return parsers(bytes) && onlyAirlockErrors(() => splitAssertions(bytes).forEach((a) => readAssertion(a.text)));
      }),
      { numRuns: 300 },
    );
  });
});
