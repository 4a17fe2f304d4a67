import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools, run, suiteDir, type FaultRule } from '@airlock/test-utils';
import { expectFaithfulBundle, expectRefusedThenRecovers, exportSetup, fileDigests, runExport } from './support/export-run.js';
import { FaultTally } from './support/fault-tally.js';

// The rpm driver against the real fixture repo (rpmbuild, createrepo_c, gpg-signed repomd.xml)
// behind the fault server, through the real export pipeline: repomd.xml and its signature
// (getBytes), primary, filelists and the carried extras, and the packages of the fx-app closure.

const BUILD_REPO = fileURLToPath(new URL('../../fixtures/rpm/build-repo.sh', import.meta.url));
const PKG = (name: string): RegExp => new RegExp(`/Packages/${name}-[0-9][^/]*\\.rpm$`);
const META = (type: string): RegExp => new RegExp(`/repodata/[0-9a-f]+-${type}\\.xml\\.gz$`);

const RECOVERABLE: FaultRule[] = [
  { kind: 'status', status: 503, match: /\/repodata\/repomd\.xml$/ },
  { kind: 'reset', match: /\/repodata\/repomd\.xml$/ },
  { kind: 'truncate-chunked', match: /\/repodata\/repomd\.xml\.asc$/ },
  { kind: 'truncate-length', fraction: 0.4, match: META('primary') },
  { kind: 'range-wrong-bytes', match: META('primary') },
  { kind: 'stall', stallMs: 3000, match: META('filelists') },
  { kind: 'slow', chunkBytes: 1024, delayMs: 20, match: PKG('fx-app') },
  { kind: 'truncate-close', match: PKG('fx-lib') },
  { kind: 'stall-headers', stallMs: 3000, match: PKG('fx-base') },
  { kind: 'redirect', times: 2, match: PKG('fx-tools') },
  { kind: 'truncate-length', fraction: 0.4, match: PKG('fx-doc') },
  { kind: 'range-ignored', match: PKG('fx-doc') },
  { kind: 'status', status: 429, retryAfter: '0', match: PKG('fx-postfix') },
  { kind: 'truncate-length', fraction: 0.4, match: PKG('fx-data') },
  { kind: 'range-wrong-start', match: PKG('fx-data') },
];

const REFUSED: Array<[string, FaultRule, string[]]> = [
  ['repomd.xml with a wrong byte', { kind: 'wrong-bytes', match: /\/repodata\/repomd\.xml$/ }, ['SIGNATURE_INVALID']],
  ['repomd.xml cut short without framing', { kind: 'truncate-close', match: /\/repodata\/repomd\.xml$/ }, ['SIGNATURE_INVALID']],
  ['repomd.xml.asc with a wrong byte', { kind: 'wrong-bytes', fraction: 0.6, match: /\/repodata\/repomd\.xml\.asc$/ }, ['SIGNATURE_INVALID', 'SIGNATURE_MISSING']],
  ['primary.xml.gz with a wrong byte', { kind: 'wrong-bytes', match: META('primary') }, ['DIGEST_MISMATCH']],
  ['a package with a wrong byte', { kind: 'wrong-bytes', match: PKG('fx-data') }, ['DIGEST_MISMATCH']],
  ['a package with a too-long Content-Length', { kind: 'length-long', match: PKG('fx-data') }, ['SIZE_MISMATCH']],
  ['a package behind an unparseable redirect', { kind: 'redirect-bad-location', match: PKG('fx-data') }, ['FETCH_FAILED']],
];

const tally = new FaultTally('rpm');
let root: { path: string; remove(): Promise<void> };
let repo: string;

const source = (origin: string): string[] => [
  '  - type: rpm', '    name: fx', `    url: ${origin}/`, `    gpgkey: ${join(root.path, 'up', 'upstream.asc')}`, '    repoGpgcheck: true', '    packages: [fx-app]',
];

describe.skipIf(!requireTools('rpmbuild', 'createrepo_c', 'gpg'))('upstream faults through the rpm driver export', () => {
  beforeAll(async () => {
    root = await suiteDir('airlock-faults-rpm-');
    const built = run('bash', [BUILD_REPO, join(root.path, 'up')]);
    if (built.status !== 0) throw new Error(`build-repo.sh failed: ${built.stderr}`);
    repo = join(root.path, 'up', 'repo');
  });
  afterAll(async () => {
    tally.report();
    await root.remove();
  });

  it('every recoverable fault is retried or resumed, and the bundle holds exactly upstream files', async () => {
    const server = await tally.server({ dir: repo }, RECOVERABLE);
    const setup = await exportSetup(join(root.path, 'recoverable'), source(server.origin));
    const out = join(setup.root, 'bundle');
    const { result, error } = await runExport(setup, out);
    expect(error, error?.message).toBeUndefined();
    expect(server.pendingRules(), 'every planned fault was injected').toEqual([]);
    expect(result?.carried.blobs).toBeGreaterThanOrEqual(8);
    await expectFaithfulBundle(setup, out, await fileDigests(repo));
  });

  it.each(REFUSED)('%s: refused with a coded error and no bundle; a clean re-run completes', async (_name, rule, codes) => {
    const server = await tally.server({ dir: repo }, [rule]);
    const setup = await exportSetup(join(root.path, `refused-${Math.random().toString(36).slice(2)}`), source(server.origin));
    await expectRefusedThenRecovers(setup, join(setup.root, 'bundle'), server, rule.kind, codes);
  });
});
