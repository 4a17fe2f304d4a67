import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentProgress, type Artifact, type ImportContext } from '@airlock/core';
import { createFetcher } from '@airlock/fetch';
import { generateKey, loadSigner } from '@airlock/pgp';
import { rpmDriver, type RpmCatalog, type RpmSpec } from '@airlock/rpm';
import { expectCode, requireTools, run, testUpstreamTrust } from '@airlock/test-utils';
import { Vault } from '@airlock/vault';

const BUILD_REPO = fileURLToPath(new URL('../fixtures/rpm/build-repo.sh', import.meta.url));
const SERVE_DIR = fileURLToPath(new URL('../fixtures/serve-dir.mjs', import.meta.url));

/**
 * The import side re-checks what the catalog carries against the upstream signature before
 * anything is published: a bundle built from altered metadata (a compromised or buggy exporter)
 * is refused by reverify, which the engine runs before publish.
 */
describe.skipIf(!requireTools('rpmbuild', 'createrepo_c', 'gpg'))('rpm reverify and publish (real vault, real fixture)', () => {
  let root: string;
  let server: ChildProcess;
  let catalog: RpmCatalog;
  let vault: Vault;
  let upstreamUrl: string;
  const ctx = (): ImportContext => ({ sourceName: 'fx', vault, progress: silentProgress, upstream: testUpstreamTrust() });
  const altered = (change: (c: RpmCatalog) => void): RpmCatalog => {
    const copy = structuredClone(catalog);
    change(copy);
    return rpmDriver.parseCatalog(copy);
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'airlock-rpm-reverify-'));
    const built = run('bash', [BUILD_REPO, join(root, 'upstream')]);
    if (built.status !== 0) throw new Error(built.stderr);
    server = spawn(process.execPath, [SERVE_DIR, join(root, 'upstream', 'repo')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const url = await new Promise<string>((resolve) => server.stdout?.once('data', (d: Buffer) => resolve(d.toString().trim())));
    upstreamUrl = url;
    const spec: RpmSpec = rpmDriver.parseSpec({ type: 'rpm', name: 'fx', url, gpgkey: join(root, 'upstream', 'upstream.asc'), packages: ['fx-app'] }, '', root);
    const fetcher = createFetcher({ retries: 0 });
    const resolved = await rpmDriver.resolve(spec, { sourceName: 'fx', configDir: root, cacheDir: join(root, 'cache'), fetcher, progress: silentProgress, upstream: testUpstreamTrust() });
    catalog = rpmDriver.parseCatalog(JSON.parse(JSON.stringify(resolved.catalog)));
    vault = new Vault(join(root, 'vault'));
    await vault.init();
    await mkdir(join(root, 'dl'));
    for (const artifact of resolved.artifacts) await ingest(artifact, fetcher, join(root, 'dl'));
    await fetcher.close();
  });

  async function ingest(artifact: Artifact, fetcher: ReturnType<typeof createFetcher>, dir: string): Promise<void> {
    let path: string;
    if (artifact.source.kind === 'file') path = artifact.source.path;
    else if (artifact.source.kind === 'url') {
      path = join(dir, artifact.digest.slice(7));
      await fetcher.download(artifact.source.urls, path, { expected: { digest: artifact.digest, size: artifact.size } });
    } else throw new Error('unexpected source kind');
    await vault.ingest(createReadStream(path), { digest: artifact.digest, size: artifact.size });
  }

  afterAll(async () => {
    server.kill('SIGTERM');
    await rm(root, { recursive: true, force: true });
  });

  it('accepts the catalog as exported and publishes it', async () => {
    await rpmDriver.reverify!(catalog, ctx());
    const key = await generateKey({ name: 'site' });
    const staging = join(root, 'staging');
    await rpmDriver.publish(catalog, { ...ctx(), staging, siteSigner: await loadSigner(key.armoredPrivateKey) });
    expect((await readdir(join(staging, 'rpm', 'fx', 'Packages'))).length).toBe(7);
  });

  it('mirrors the whole repo when packages is omitted, within the configured arches', async () => {
    const fetcher = createFetcher({ retries: 0 });
    const resolve = (raw: Record<string, unknown>): ReturnType<typeof rpmDriver.resolve> =>
      rpmDriver.resolve(rpmDriver.parseSpec({ type: 'rpm', name: 'all', url: upstreamUrl, gpgkey: join(root, 'upstream', 'upstream.asc'), ...raw }, '', root), {
        sourceName: 'all', configDir: root, cacheDir: join(root, 'cache-all'), fetcher, progress: silentProgress, upstream: testUpstreamTrust(),
      });
    try {
      const all = await resolve({});
      expect(all.catalog.packages.map((p) => p.href.replace('Packages/', ''))).toHaveLength(9);
      expect(all.catalog.metadata.map((m) => m.type).sort()).toEqual(['group', 'group_gz', 'primary', 'updateinfo']);
      const noarch = await resolve({ arch: ['noarch'] });
      expect(noarch.catalog.packages.map((p) => p.name)).toEqual(['fx-base', 'fx-data', 'fx-doc', 'fx-tools']);
      await expectCode(resolve({ packages: ['fx-nonexistent'] }), 'SOURCE_NOT_FOUND');
    } finally {
      await fetcher.close();
    }
  });

  it('refuses an altered repomd.xml (SIGNATURE_INVALID)', async () => {
    const bad = altered((c) => {
      c.repomd = Buffer.from(Buffer.from(c.repomd, 'base64').toString('utf8').replace(/<revision>\d+/, '<revision>7')).toString('base64');
    });
    await expectCode(rpmDriver.reverify!(bad, ctx()), 'SIGNATURE_INVALID');
  });

  it('refuses a signature by another key (SIGNER_UNTRUSTED) and a missing one (MANIFEST_INVALID)', async () => {
    const stranger = await generateKey({ name: 'stranger' });
    const signer = await loadSigner(stranger.armoredPrivateKey);
    const asc = await signer.signDetachedArmored(Buffer.from(catalog.repomd, 'base64'));
    await expectCode(rpmDriver.reverify!(altered((c) => (c.repomdAsc = Buffer.from(asc).toString('base64'))), ctx()), 'SIGNER_UNTRUSTED');
    expect(() => altered((c) => (c.repomdAsc = null))).toThrow(expect.objectContaining({ code: 'MANIFEST_INVALID' }));
  });

  it('regression: repomd.xml is verified only with the repo keys the site pins, not the gpgkeys the catalog carries (SIGNER_UNTRUSTED)', async () => {
    const stranger = await generateKey({ name: 'stranger' });
    const pinnedElsewhere = testUpstreamTrust({ keys: [stranger.armoredPublicKey] });
    await expectCode(rpmDriver.reverify!(catalog, { ...ctx(), upstream: pinnedElsewhere }), 'SIGNER_UNTRUSTED');
    const pinnedRight = testUpstreamTrust({ keys: [await readFile(join(root, 'upstream', 'upstream.asc'))] });
    await rpmDriver.reverify!(catalog, { ...ctx(), upstream: pinnedRight });
  });

  it('regression: an unsigned catalog is refused when the site pins keys for the source (UPSTREAM_UNSIGNED), and published with a loud warning when it does not', async () => {
    const unsigned = altered((c) => {
      c.repoGpgcheck = false;
      c.repomdAsc = null;
      c.gpgkeys = [];
    });
    const pins = testUpstreamTrust({ keys: [await readFile(join(root, 'upstream', 'upstream.asc'))] });
    await expectCode(rpmDriver.reverify!(unsigned, { ...ctx(), upstream: pins }), 'UPSTREAM_UNSIGNED');
    const warnings: string[] = [];
    await rpmDriver.reverify!(unsigned, { ...ctx(), progress: { ...silentProgress, warn: (m) => warnings.push(m) } });
    expect(warnings).toEqual([expect.stringContaining('rpm/fx is INSECURE')]);
  });

  it("regression: reverify decompressed primary with the 2 GiB default cap instead of repomd.xml's open-size (UPSTREAM_INVALID)", async () => {
    const understated = altered((c) => {
      c.repoGpgcheck = false;
      c.repomdAsc = null;
      c.gpgkeys = [];
      const xml = Buffer.from(c.repomd, 'base64').toString('utf8');
      const primary = /<data type="primary">[\s\S]*?<\/data>/.exec(xml)?.[0] ?? '';
      expect(primary).toMatch(/<open-size>\d+<\/open-size>/);
      c.repomd = Buffer.from(xml.replace(primary, primary.replace(/<open-size>\d+<\/open-size>/, '<open-size>64</open-size>'))).toString('base64');
    });
    const error = await expectCode(rpmDriver.reverify!(understated, ctx()), 'UPSTREAM_INVALID');
    expect(error.message).toMatch(/decompression bomb|more than/);
  });

  it('refuses primary metadata that is not the file repomd.xml names (DIGEST_MISMATCH)', async () => {
    const bad = altered((c) => {
      c.metadata[0]!.digest = c.packages[0]!.digest;
      c.metadata[0]!.size = c.packages[0]!.size;
    });
    await expectCode(rpmDriver.reverify!(bad, ctx()), 'DIGEST_MISMATCH');
  });

  it('refuses a package the signed primary does not describe that way (UPSTREAM_INVALID)', async () => {
    const bad = altered((c) => {
      c.packages[0]!.digest = c.packages[1]!.digest;
      c.packages[0]!.size = c.packages[1]!.size;
    });
    await expectCode(rpmDriver.reverify!(bad, ctx()), 'UPSTREAM_INVALID');
  });

  it('refuses to publish a blob whose RPM header is not the package the catalog names (UPSTREAM_INVALID)', async () => {
    const key = await generateKey({ name: 'site' });
    const bad = altered((c) => {
      c.packages[0]!.name = 'fx-evil';
    });
    await expectCode(rpmDriver.publish(bad, { ...ctx(), staging: join(root, 'staging-bad'), siteSigner: await loadSigner(key.armoredPrivateKey) }), 'UPSTREAM_INVALID');
  });
});
