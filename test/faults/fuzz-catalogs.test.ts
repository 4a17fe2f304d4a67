import { randomBytes } from 'node:crypto';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptDriver } from '@airlock/apt';
import { silentProgress, type AnyDriver, type ExportContext } from '@airlock/core';
import { createFetcher } from '@airlock/fetch';
import { filesDriver } from '@airlock/files';
import { ociDriver } from '@airlock/oci';
import { rpmDriver } from '@airlock/rpm';
import { expectOnlyCodedErrors, hasCommand, mutatedJson, run, startFaultServer, suiteDir, type FaultServer, testUpstreamTrust } from '@airlock/test-utils';
import { buildUpstream } from '../../fixtures/apt/harness.js';
import { buildImage, sh } from '../../fixtures/oci/upstream.js';

// Fuzzing of each driver's parseCatalog: the catalog is read back from a bundle and says where
// publish writes, so it is validated even though the bundle is signed. Seeds are the catalogs the
// real drivers resolve from the real fixtures (a files tree, the apt archive, the rpm repo, an
// OCI layout). Besides "only MANIFEST_INVALID", an accepted catalog must name no path that leaves
// the published tree.

const HOSTILE_VALUES = ['../../etc/passwd', '/etc/passwd', 'a/../../b', 'pool/../../x.deb', 'Packages/../../x.rpm', `sha256:${'0'.repeat(64)}`, 'dists/../..', '.', '..', '', 'a//b', 'x\u0000y', 'stable/../..', -1, 2 ** 60];
const BUILD_REPO = new URL('../../fixtures/rpm/build-repo.sh', import.meta.url).pathname;

let work: { path: string; remove(): Promise<void> };
let server: FaultServer | undefined;
const catalogs = new Map<string, unknown>();

async function resolveCatalog(driver: AnyDriver, raw: Record<string, unknown>, name: string): Promise<void> {
  const fetcher = createFetcher({ retries: 1, backoffMs: 5, maxBackoffMs: 10 });
  try {
    const spec = driver.parseSpec({ name, ...raw }, 'sources[0]', work.path);
    const ctx: ExportContext = { sourceName: name, configDir: work.path, cacheDir: join(work.path, 'cache', name), fetcher, progress: silentProgress, upstream: testUpstreamTrust() };
    const { catalog } = await driver.resolve(spec, ctx);
    catalogs.set(driver.type, JSON.parse(JSON.stringify(catalog)) as unknown);
  } finally {
    await fetcher.close();
  }
}

/** Every string under a path-like key, and every Filename of a carried stanza. */
function pathsOf(value: unknown, key = '', out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (['path', 'href', 'filename', 'suite'].includes(key)) out.push(value);
    if (key === 'stanzas' || /^\d+$/.test(key)) for (const m of value.matchAll(/^Filename: *(.*)$/gim)) out.push(m[1] ?? '');
  } else if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, /^\d+$/.test(String(i)) && key === 'stanzas' ? 'stanzas' : String(i), out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) pathsOf(v, k, out);
  return out;
}

beforeAll(async () => {
  work = await suiteDir('airlock-fuzz-catalogs-');
  const tree = join(work.path, 'tree');
  await mkdir(join(tree, 'docs', 'deep'), { recursive: true });
  await writeFile(join(tree, 'README.txt'), 'hello\n');
  await writeFile(join(tree, 'docs', 'deep', 'data.bin'), randomBytes(2048));
  await mkdir(join(tree, 'empty'));
  await symlink('../README.txt', join(tree, 'docs', 'link.txt'));
  await resolveCatalog(filesDriver, { type: 'files', path: tree }, 'tree');

  if (hasCommand('apt-ftparchive') && hasCommand('dpkg-deb') && hasCommand('rpmbuild') && hasCommand('createrepo_c')) {
    const apt = buildUpstream(join(work.path, 'apt'));
    const built = run('bash', [BUILD_REPO, join(work.path, 'rpm')]);
    if (built.status !== 0) throw new Error(built.stderr);
    server = await startFaultServer({ dir: work.path });
    await resolveCatalog(aptDriver, { type: 'apt', url: `${server.origin}/apt/archive/`, keyring: apt.keyring, suites: ['stable', 'flat/'], components: ['main'], architectures: ['amd64'], packages: ['app'] }, 'fixture');
    await resolveCatalog(rpmDriver, { type: 'rpm', url: `${server.origin}/rpm/repo/`, gpgkey: join(work.path, 'rpm', 'upstream.asc'), packages: ['fx-app'] }, 'fx');
  }
  if (hasCommand('umoci')) {
    const layout = join(work.path, 'layout');
    sh('umoci', ['init', '--layout', layout]);
    buildImage(layout, 'app', [{ name: 'layer', bytes: randomBytes(1024) }], work.path);
    await resolveCatalog(ociDriver, { type: 'oci', images: [`oci-layout:${layout}:app`] }, 'k8s');
  }
}, 120_000);
afterAll(async () => {
  await server?.close();
  await work.remove();
});

describe('fuzz: driver catalogs', () => {
  it('the real catalogs are accepted as they are', () => {
    for (const [type, catalog] of catalogs) expect(() => [filesDriver, aptDriver, rpmDriver, ociDriver].find((d) => d.type === type)!.parseCatalog(catalog), type).not.toThrow();
    if (process.env.CI === 'true') expect([...catalogs.keys()].sort()).toEqual(['apt', 'files', 'oci', 'rpm']);
  });

  it.each(['files', 'apt', 'rpm', 'oci'])('%s parseCatalog: mutated real catalogs give only MANIFEST_INVALID, and accepted ones stay inside the tree', async (type) => {
    const seed = catalogs.get(type);
    if (seed === undefined) return; // its tools are missing; CI asserts above that every catalog was built
    const driver = [filesDriver, aptDriver, rpmDriver, ociDriver].find((d) => d.type === type)!;
    const input = fc.oneof({ arbitrary: mutatedJson(seed, { values: HOSTILE_VALUES, maxOps: 3 }), weight: 4 }, { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 1 });
    await expectOnlyCodedErrors(input, (doc) => {
      const accepted = driver.parseCatalog(doc);
      const escaping = pathsOf(accepted).filter((p) => p.startsWith('/') && p !== '/' || p.split('/').includes('..') || p.includes('\0'));
      if (escaping.length > 0) throw new Error(`${type} catalog accepted paths that leave the tree: ${JSON.stringify(escaping)}`);
    }, { target: `${type} parseCatalog`, numRuns: 600, codes: ['MANIFEST_INVALID'] });
  });
});
