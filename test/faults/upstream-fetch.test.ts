import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { isAirlockError, sha256Digest, type ErrorCode } from '@airlock/core';
import { createFetcher, type FetcherOptions } from '@airlock/fetch';
import { FAULT_KINDS, suiteDir, type FaultKind, type FaultRule } from '@airlock/test-utils';
import { FaultTally } from './support/fault-tally.js';

// Every fault the fault server can inject, through the real fetcher's download and getBytes.
// Each case ends either with the exact upstream bytes (retried, resumed or restarted) or with a
// coded refusal and no file at the destination: a fault is never accepted as content.

const BODY = randomBytes(256 * 1024);
const DIGEST = sha256Digest(BODY);
/** Fast retries, and an idle timeout the slow fault stays under and the stall faults exceed. */
const OPTIONS: FetcherOptions = { retries: 3, backoffMs: 5, maxBackoffMs: 20, timeoutMs: 400 };
const tally = new FaultTally('fetch');
let root: { path: string; remove(): Promise<void> };

beforeAll(async () => {
  root = await suiteDir('airlock-faults-fetch-');
  await mkdir(join(root.path, 'up'));
  await writeFile(join(root.path, 'up', 'file.bin'), BODY);
});
afterAll(async () => {
  tally.report();
  await root.remove();
});

function fetcher() {
  const f = createFetcher(OPTIONS);
  onTestFinished(() => f.close());
  return f;
}

/** A cut first (a FIN, which loses no received bytes, unlike a reset), so the next request carries a Range the range fault can answer wrong. */
const afterCut = (kind: FaultKind): FaultRule[] => [{ kind: 'truncate-length', fraction: 0.4 }, { kind }];

type Outcome = { ok: true; resumed?: boolean } | { code: ErrorCode };

/** What download must do with each fault when the digest and size are pinned. */
const DOWNLOAD_CASES: Array<[string, FaultRule[], Outcome]> = [
  ['503, retried', [{ kind: 'status', status: 503, times: 2 }], { ok: true }],
  ['429 with Retry-After, retried', [{ kind: 'status', status: 429, retryAfter: '0' }], { ok: true }],
  ['404, refused at once', [{ kind: 'status', status: 404 }], { code: 'HTTP_STATUS' }],
  // A reset may make the kernel drop bytes not read yet, so the retry resumes or starts over.
  ['connection reset mid-body, retried', [{ kind: 'reset' }], { ok: true }],
  ['truncated body with Content-Length, resumed', [{ kind: 'truncate-length' }], { ok: true, resumed: true }],
  ['truncated chunked body, resumed', [{ kind: 'truncate-chunked' }], { ok: true, resumed: true }],
  ['truncated close-delimited body, resumed against the pinned size', [{ kind: 'truncate-close' }], { ok: true, resumed: true }],
  ['slow body below the idle timeout, accepted without retry', [{ kind: 'slow', chunkBytes: 16 * 1024, delayMs: 30 }], { ok: true }],
  ['body stalled past the idle timeout, resumed', [{ kind: 'stall', stallMs: 3000 }], { ok: true, resumed: true }],
  ['headers stalled past the idle timeout, retried', [{ kind: 'stall-headers', stallMs: 3000 }], { ok: true }],
  ['Content-Length larger than the pinned size, refused before reading', [{ kind: 'length-long' }], { code: 'SIZE_MISMATCH' }],
  ['Content-Length smaller than the pinned size, refused before reading', [{ kind: 'length-short' }], { code: 'SIZE_MISMATCH' }],
  ['wrong bytes, refused', [{ kind: 'wrong-bytes' }], { code: 'DIGEST_MISMATCH' }],
  ['Range ignored after a cut, started over', afterCut('range-ignored'), { ok: true }],
  ['Range answered at the wrong start after a cut, started over', afterCut('range-wrong-start'), { ok: true }],
  ['Range answered with wrong bytes after a cut, refetched clean', afterCut('range-wrong-bytes'), { ok: true }],
  ['two redirects, followed', [{ kind: 'redirect', times: 2 }], { ok: true }],
  ['a redirect loop, refused', [{ kind: 'redirect-loop', times: Infinity }], { code: 'FETCH_FAILED' }],
  ['a redirect to an unparseable Location, refused', [{ kind: 'redirect-bad-location' }], { code: 'FETCH_FAILED' }],
  ['resets on every attempt, given up', [{ kind: 'reset', fraction: 0, times: Infinity }], { code: 'FETCH_FAILED' }],
];

describe('upstream faults through fetch.download (digest and size pinned)', () => {
  it.each(DOWNLOAD_CASES)('%s', async (_name, rules, outcome) => {
    const server = await tally.server({ dir: join(root.path, 'up') }, rules);
    const dir = join(root.path, `dl-${Math.random().toString(36).slice(2)}`);
    const dest = join(dir, 'out.bin');
    let caught: unknown;
    try {
      const got = await fetcher().download(`${server.origin}/file.bin`, dest, { expected: { digest: DIGEST, size: BODY.length } });
      expect(got).toEqual({ digest: DIGEST, size: BODY.length });
    } catch (err) {
      caught = err;
    }
    for (const rule of rules) expect(server.injected[rule.kind], `${rule.kind} injected`).toBeGreaterThan(0);
    if ('ok' in outcome) {
      expect(caught, String(caught)).toBeUndefined();
      expect((await readFile(dest)).equals(BODY)).toBe(true);
      expect(await readdir(dir)).toEqual(['out.bin']);
      if (outcome.resumed) expect(server.requests.some((r) => r.range !== undefined && r.fault === undefined), 'a healthy request resumed with Range').toBe(true);
    } else {
      expect(isAirlockError(caught), String(caught)).toBe(true);
      expect((caught as { code: string }).code).toBe(outcome.code);
      const left: string[] = await readdir(dir).catch(() => []);
      expect(left.includes('out.bin'), 'nothing at the destination').toBe(false);
    }
  });

  it('a fault on the first mirror moves on to the next, which delivers', async () => {
    const bad = await tally.server({ dir: join(root.path, 'up') }, [{ kind: 'wrong-bytes' }]);
    const good = await tally.server({ dir: join(root.path, 'up') });
    const dest = join(root.path, 'mirrors', 'out.bin');
    await fetcher().download([`${bad.origin}/file.bin`, `${good.origin}/file.bin`], dest, { expected: { digest: DIGEST, size: BODY.length } });
    expect((await readFile(dest)).equals(BODY)).toBe(true);
    expect(bad.injected['wrong-bytes']).toBe(1);
  });

  it('with only the digest pinned, a close-delimited truncation is refused, never kept', async () => {
    const server = await tally.server({ dir: join(root.path, 'up') }, [{ kind: 'truncate-close' }]);
    const dest = join(root.path, 'digest-only', 'out.bin');
    let caught: unknown;
    await fetcher().download(`${server.origin}/file.bin`, dest, { expected: { digest: DIGEST } }).catch((err: unknown) => (caught = err));
    expect(isAirlockError(caught, 'DIGEST_MISMATCH'), String(caught)).toBe(true);
    expect(server.injected['truncate-close']).toBe(1);
  });
});

/** What getBytes delivers for each fault; framing faults it cannot see are left to the caller's verification. */
const GET_CASES: Array<[string, FaultRule, 'exact' | 'as-framed' | ErrorCode]> = [
  ['503, retried', { kind: 'status', status: 503 }, 'exact'],
  ['connection reset, retried', { kind: 'reset' }, 'exact'],
  ['truncated with Content-Length, retried', { kind: 'truncate-length' }, 'exact'],
  ['truncated chunked, retried', { kind: 'truncate-chunked' }, 'exact'],
  ['slow, accepted', { kind: 'slow', chunkBytes: 32 * 1024, delayMs: 20 }, 'exact'],
  ['stalled body, retried', { kind: 'stall', stallMs: 3000 }, 'exact'],
  ['stalled headers, retried', { kind: 'stall-headers', stallMs: 3000 }, 'exact'],
  ['Content-Length too large, retried', { kind: 'length-long' }, 'exact'],
  ['redirected, followed', { kind: 'redirect' }, 'exact'],
  ['redirect loop, refused', { kind: 'redirect-loop', times: Infinity }, 'FETCH_FAILED'],
  ['unparseable Location, refused', { kind: 'redirect-bad-location' }, 'FETCH_FAILED'],
  ['close-delimited truncation: delivered as framed, the caller verifies', { kind: 'truncate-close' }, 'as-framed'],
  ['Content-Length too small: delivered as framed, the caller verifies', { kind: 'length-short' }, 'as-framed'],
  ['wrong bytes: delivered, the caller verifies', { kind: 'wrong-bytes' }, 'as-framed'],
];

describe('upstream faults through fetch.getBytes', () => {
  it.each(GET_CASES)('%s', async (_name, rule, expected) => {
    const server = await tally.server({ dir: join(root.path, 'up') }, [rule]);
    let got: Buffer | undefined;
    let caught: unknown;
    await fetcher().getBytes(`${server.origin}/file.bin`).then((b) => (got = b), (err: unknown) => (caught = err));
    expect(server.injected[rule.kind]).toBeGreaterThan(0);
    if (expected === 'exact') {
      expect(caught, String(caught)).toBeUndefined();
      expect(got?.equals(BODY)).toBe(true);
    } else if (expected === 'as-framed') {
      expect(caught, String(caught)).toBeUndefined();
      expect(got?.equals(BODY)).toBe(false);
    } else {
      expect(isAirlockError(caught, expected), String(caught)).toBe(true);
    }
  });
});

describe('fault coverage', () => {
  it('every kind of fault was injected at least once in this file', () => {
    const missing = FAULT_KINDS.filter((k) => tally.injected[k] === 0);
    expect(missing).toEqual([]);
  });
});
