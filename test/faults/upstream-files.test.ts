import { createHash, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suiteDir, type FaultKind, type FaultRule } from '@airlock/test-utils';
import { expectFaithfulBundle, expectRefusedThenRecovers, exportSetup, fileDigests, runExport } from './support/export-run.js';
import { FaultTally } from './support/fault-tally.js';

// The files driver's URL sources (sha256 pinned, as the docs recommend) behind the fault server,
// through the real export pipeline. One export meets every fault it can recover from, one per
// file; the faults it cannot recover from each fail an export with a coded error and no bundle,
// and the next clean run completes.

/** Faults a digest-pinned download survives, each aimed at its own file. */
const RECOVERABLE: FaultRule[] = [
  { kind: 'status', status: 503, times: 2 },
  { kind: 'status', status: 429, retryAfter: '0' },
  { kind: 'reset' },
  { kind: 'truncate-length' },
  { kind: 'truncate-chunked' },
  { kind: 'slow', chunkBytes: 32 * 1024, delayMs: 30 },
  { kind: 'stall', stallMs: 3000 },
  { kind: 'stall-headers', stallMs: 3000 },
  { kind: 'length-long' },
  { kind: 'redirect', times: 2 },
];
/** Range faults need an interrupted first attempt, so they get a cut (FIN, which loses no bytes, unlike a reset) first on the same file. */
const RANGE: FaultKind[] = ['range-ignored', 'range-wrong-start', 'range-wrong-bytes'];
/** Without a pinned size, a close-delimited cut or a short Content-Length look complete: the digest refuses them. */
const REFUSED: Array<[FaultRule, string]> = [
  [{ kind: 'wrong-bytes' }, 'DIGEST_MISMATCH'],
  [{ kind: 'truncate-close' }, 'DIGEST_MISMATCH'],
  [{ kind: 'length-short' }, 'DIGEST_MISMATCH'],
  [{ kind: 'status', status: 404 }, 'HTTP_STATUS'],
  [{ kind: 'redirect-loop', times: Infinity }, 'FETCH_FAILED'],
  [{ kind: 'redirect-bad-location' }, 'FETCH_FAILED'],
];

const tally = new FaultTally('files');
let root: { path: string; remove(): Promise<void> };
let upstream: string;
const names: string[] = [];
/** The sha256 each URL is pinned to in the config. */
const pinned = new Map<string, string>();

beforeAll(async () => {
  root = await suiteDir('airlock-faults-files-');
  upstream = join(root.path, 'upstream');
  await mkdir(upstream);
  for (let i = 0; i < RECOVERABLE.length + RANGE.length; i++) {
    const name = `file-${String(i).padStart(2, '0')}.bin`;
    const bytes = randomBytes(96 * 1024 + i * 4096);
    names.push(name);
    pinned.set(name, createHash('sha256').update(bytes).digest('hex'));
    await writeFile(join(upstream, name), bytes);
  }
});
afterAll(async () => {
  tally.report();
  await root.remove();
});

function sources(origin: string): string[] {
  const lines = ['  - type: files', '    name: downloads', '    urls:'];
  return [...lines, ...names.map((n) => `      - { url: "${origin}/${n}", sha256: "${pinned.get(n)}", path: "${n}" }`)];
}

describe('upstream faults through the files driver export (sha256-pinned URLs)', () => {
  it('every recoverable fault, one per file, is retried or resumed, and the bundle holds exactly the upstream files', async () => {
    const rules: FaultRule[] = [
      ...RECOVERABLE.map((r, i) => ({ ...r, match: new RegExp(`/${names[i]}$`) })),
      ...RANGE.flatMap((kind, j): FaultRule[] => {
        const match = new RegExp(`/${names[RECOVERABLE.length + j]}$`);
        return [{ kind: 'truncate-length', fraction: 0.4, match }, { kind, match }];
      }),
    ];
    const server = await tally.server({ dir: upstream }, rules);
    const setup = await exportSetup(join(root.path, 'recoverable'), sources(server.origin));
    const out = join(root.path, 'recoverable', 'bundle');
    const { result, error } = await runExport(setup, out);
    expect(error, error?.message).toBeUndefined();
    expect(result?.carried.blobs).toBeGreaterThanOrEqual(names.length);
    expect(server.pendingRules(), 'every planned fault was injected').toEqual([]);
    await expectFaithfulBundle(setup, out, await fileDigests(upstream));
  });

  it.each(REFUSED)('%o is refused with its code and leaves no bundle; a clean re-run completes', async (rule, code) => {
    const target = names[3]!;
    const server = await tally.server({ dir: upstream }, [{ ...rule, match: new RegExp(`/${target}$`) }]);
    const setup = await exportSetup(join(root.path, `refused-${rule.kind}-${rule.status ?? ''}`), sources(server.origin));
    await expectRefusedThenRecovers(setup, join(setup.root, 'bundle'), server, rule.kind, [code]);
  });
});
