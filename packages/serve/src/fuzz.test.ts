import fc from 'fast-check';
import { describe, it } from 'vitest';
import { expectOnlyCodedErrors, mutatedText } from '@airlock/test-utils';
import { parseRange } from './byte-range.js';
import { parseRequestPath, urlPathOf } from './request-path.js';

// Fuzzing of what a network client sends `airlock serve`: request targets and Range headers.
// Neither may throw, a path that is accepted never leaves the tree and survives a round trip,
// and a partial range always lies inside the file.

const TARGETS = ['/apt/fixture/dists/stable/InRelease', '/v2/team/app/manifests/1.0', '/oci/blobs/sha256/abc', '/keys/site.asc?x=1', '/files/tools/a%20b/c.txt', '/'];
const PATH_TOKENS = ['..', '.', '%2e%2e', '%2E%2E', '%2f', '%5c', '%00', '%', '%zz', '//', '\\', '?', '#', '%c0%af', 'é', '%F0%9F%98%80', '%ed%a0%80'];

describe('fuzz: serve request parsing', () => {
  it('parseRequestPath never throws; accepted segments stay in the tree and round-trip through urlPathOf', async () => {
    // Node hands the request target over as latin1 (one character per byte on the wire).
    const wire = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');
    await expectOnlyCodedErrors(fc.oneof(mutatedText(TARGETS, { tokens: PATH_TOKENS, maxOps: 4 }), fc.string({ maxLength: 64 })).map(wire), (target) => {
      const parsed = parseRequestPath(target);
      if (!parsed.ok) return;
      for (const s of parsed.segments) if (s === '..' || s === '.' || s === '' || /[/\\\0]/.test(s)) throw new Error(`accepted segment ${JSON.stringify(s)} of ${JSON.stringify(target)}`);
      const again = parseRequestPath(urlPathOf(parsed.segments, parsed.trailingSlash));
      if (!again.ok || JSON.stringify(again.segments) !== JSON.stringify(parsed.segments)) throw new Error(`${JSON.stringify(target)} does not round-trip`);
    }, { target: 'serve parseRequestPath', numRuns: 1000, codes: [] });
  });

  it('parseRange never throws, and a partial range lies inside the file', async () => {
    const digits = fc.oneof(fc.constant(''), fc.nat().map(String), fc.constantFrom('0', '00', '99999999999999999999999', '9007199254740993'));
    const header = fc.oneof(fc.tuple(digits, digits).map(([a, b]) => `bytes=${a}-${b}`), mutatedText(['bytes=0-99', 'bytes=100-', 'bytes=-500', 'bytes=0-0,5-9'], { tokens: ['-', ',', ' ', '=', 'bytes', 'items'] }), fc.string({ maxLength: 20 }));
    await expectOnlyCodedErrors(fc.tuple(fc.option(header, { nil: undefined }), fc.oneof(fc.nat({ max: 4096 }), fc.constant(0))), ([h, size]) => {
      const r = parseRange(h, size);
      if (r.kind === 'partial' && !(Number.isSafeInteger(r.start) && Number.isSafeInteger(r.end) && r.start >= 0 && r.start <= r.end && r.end < size)) {
        throw new Error(`Range ${JSON.stringify(h)} for ${size} bytes gave ${JSON.stringify(r)}`);
      }
    }, { target: 'serve parseRange', numRuns: 1500, codes: [] });
  });
});
