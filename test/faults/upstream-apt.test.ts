import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools, suiteDir, type FaultRule } from '@airlock/test-utils';
import { buildUpstream, type Upstream } from '../../fixtures/apt/harness.js';
import { expectFaithfulBundle, expectRefusedThenRecovers, exportSetup, fileDigests, runExport } from './support/export-run.js';
import { FaultTally } from './support/fault-tally.js';

// The apt driver against the real fixture archive (apt-ftparchive, gpg) behind the fault server,
// through the real export pipeline: InRelease and Release (getBytes), Packages.gz and the .debs of
// the `app` closure (downloads pinned by the signed Release and Packages).

const at = (path: string): RegExp => new RegExp(`${path.replace(/[.+~]/g, '\\$&')}$`);
const DEB = (name: string): RegExp => new RegExp(`/pool/main/./${name}/${name}_[^/]+\\.deb$`);

/** Recoverable faults on every file the export fetches; each .deb of the closure gets its own. */
const RECOVERABLE: FaultRule[] = [
  { kind: 'status', status: 503, match: at('/dists/stable/InRelease') },
  { kind: 'truncate-chunked', match: at('/dists/stable/InRelease') },
  { kind: 'length-long', match: at('/dists/stable/InRelease') },
  { kind: 'reset', match: at('/main/binary-amd64/Packages.gz') },
  { kind: 'stall', stallMs: 3000, match: at('/main/binary-amd64/Packages.gz') },
  { kind: 'truncate-length', match: DEB('app') },
  { kind: 'truncate-close', match: DEB('base-tool') },
  { kind: 'slow', chunkBytes: 256, delayMs: 20, match: DEB('data-common') },
  { kind: 'stall-headers', stallMs: 3000, match: DEB('editor-b') },
  { kind: 'truncate-length', fraction: 0.4, match: DEB('libbar') },
  { kind: 'range-ignored', match: DEB('libbar') },
  { kind: 'truncate-length', fraction: 0.4, match: DEB('libbaz') },
  { kind: 'range-wrong-start', match: DEB('libbaz') },
  { kind: 'truncate-length', fraction: 0.4, match: DEB('libfoo') },
  { kind: 'range-wrong-bytes', match: DEB('libfoo') },
  { kind: 'redirect', times: 2, match: DEB('postfix-lite') },
  { kind: 'status', status: 429, retryAfter: '0', match: DEB('shell-a') },
];

/** Faults export must refuse: unverifiable metadata, or a .deb that is not what Packages pins. */
const REFUSED: Array<[string, FaultRule, string[]]> = [
  ['InRelease with a wrong byte', { kind: 'wrong-bytes', match: at('/dists/stable/InRelease') }, ['SIGNATURE_INVALID', 'UPSTREAM_INVALID']],
  ['InRelease cut short without framing', { kind: 'truncate-close', fraction: 0.7, match: at('/dists/stable/InRelease') }, ['SIGNATURE_INVALID', 'SIGNATURE_MISSING']],
  ['InRelease with a short Content-Length', { kind: 'length-short', match: at('/dists/stable/InRelease') }, ['SIGNATURE_INVALID', 'SIGNATURE_MISSING']],
  ['Packages.gz with a wrong byte', { kind: 'wrong-bytes', match: at('/main/binary-amd64/Packages.gz') }, ['DIGEST_MISMATCH']],
  ['a .deb with a wrong byte', { kind: 'wrong-bytes', match: DEB('libbaz') }, ['DIGEST_MISMATCH']],
  ['a .deb with a short Content-Length', { kind: 'length-short', match: DEB('libbaz') }, ['SIZE_MISMATCH']],
  ['a .deb redirecting in a loop', { kind: 'redirect-loop', times: Infinity, match: DEB('libbaz') }, ['FETCH_FAILED']],
];

const tally = new FaultTally('apt');
let root: { path: string; remove(): Promise<void> };
let upstream: Upstream;

const source = (origin: string): string[] => [
  '  - type: apt', '    name: fixture', `    url: ${origin}/`, `    keyring: ${upstream.keyring}`, '    architectures: [amd64]',
  '    suites: [stable]', '    components: [main]', '    packages: [app]',
];

describe.skipIf(!requireTools('dpkg-deb', 'apt-ftparchive', 'gpg'))('upstream faults through the apt driver export', () => {
  beforeAll(async () => {
    root = await suiteDir('airlock-faults-apt-');
    upstream = buildUpstream(join(root.path, 'up'));
  });
  afterAll(async () => {
    tally.report();
    await root.remove();
  });

  it('every recoverable fault is retried or resumed, and the bundle holds exactly upstream files', async () => {
    const server = await tally.server({ dir: upstream.archive }, RECOVERABLE);
    const setup = await exportSetup(join(root.path, 'recoverable'), source(server.origin));
    const out = join(setup.root, 'bundle');
    const { result, error } = await runExport(setup, out);
    expect(error, error?.message).toBeUndefined();
    expect(server.pendingRules(), 'every planned fault was injected').toEqual([]);
    expect(result?.carried.blobs).toBeGreaterThanOrEqual(10);
    await expectFaithfulBundle(setup, out, await fileDigests(upstream.archive));
  });

  it('an InRelease that is gone falls back to Release and Release.gpg, through their own faults', async () => {
    const server = await tally.server({ dir: upstream.archive }, [
      { kind: 'status', status: 404, match: at('/dists/stable/InRelease'), times: Infinity },
      { kind: 'reset', match: at('/dists/stable/Release') },
      { kind: 'stall-headers', stallMs: 3000, match: at('/dists/stable/Release.gpg') },
    ]);
    const setup = await exportSetup(join(root.path, 'detached'), source(server.origin));
    const out = join(setup.root, 'bundle');
    const { error } = await runExport(setup, out);
    expect(error, error?.message).toBeUndefined();
    expect(server.injected.reset + server.injected['stall-headers']).toBe(2);
    await expectFaithfulBundle(setup, out, await fileDigests(upstream.archive));
  });

  it.each(REFUSED)('%s: refused with a coded error and no bundle; a clean re-run completes', async (_name, rule, codes) => {
    const server = await tally.server({ dir: upstream.archive }, [rule]);
    const setup = await exportSetup(join(root.path, `refused-${Math.random().toString(36).slice(2)}`), source(server.origin));
    await expectRefusedThenRecovers(setup, join(setup.root, 'bundle'), server, rule.kind, codes);
  });
});
