import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentProgress, type ImportContext } from '@airlock/core';
import { createFetcher } from '@airlock/fetch';
import { generateKey } from '@airlock/pgp';
import { rpmDriver, type RpmCatalog } from '@airlock/rpm';
import { expectCode, requireTools, run, testUpstreamTrust } from '@airlock/test-utils';
import { Vault } from '@airlock/vault';
import { airlock, airlockJson } from './support/cli.js';
import { writeExporterKey } from './support/exporter-key.js';

const BUILD_REPO = fileURLToPath(new URL('../fixtures/rpm/build-repo.sh', import.meta.url));
const SERVE_DIR = fileURLToPath(new URL('../fixtures/serve-dir.mjs', import.meta.url));

/**
 * gpgcheck: true verifies each package's own header signature (what dnf's gpgcheck=1 checks), for
 * repos that sign packages but not repomd.xml (EPEL, most distribution repos): at export for every
 * package the bundle carries, and again on the site with the keys it pins.
 */
describe.skipIf(!requireTools('rpmbuild', 'createrepo_c', 'gpg', 'rpmsign'))('rpm gpgcheck: package signatures', () => {
  let root: string;
  let server: ChildProcess;
  let base: string;
  let upstreamKey: string;

  const configFor = async (name: string, repo: string): Promise<string> => {
    const path = join(root, `${name}.yaml`);
    await writeFile(path, [
      'channel: rpm-gpgcheck', 'signing:', `  key: ${join(root, 'exporter.key')}`, 'sources:',
      '  - type: rpm', '    name: fx', `    url: ${base}${repo}/`, `    gpgkey: ${upstreamKey}`, '    repoGpgcheck: false', '    gpgcheck: true', '    packages: [fx-app]', '',
    ].join('\n'));
    return path;
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'airlock-rpm-gpgcheck-'));
    const built = run('bash', [BUILD_REPO, join(root, 'upstream')]);
    if (built.status !== 0) throw new Error(built.stderr);
    upstreamKey = join(root, 'upstream', 'upstream.asc');
    // One package of the signed repo swapped for its unsigned build, the repo metadata regenerated.
    const mixed = join(root, 'upstream', 'mixed');
    await cp(join(root, 'upstream', 'repo-signed-packages'), mixed, { recursive: true });
    const lib = (await readdir(join(mixed, 'Packages'))).find((n) => n.startsWith('fx-lib-2.0')) ?? '';
    await copyFile(join(root, 'upstream', 'repo', 'Packages', lib), join(mixed, 'Packages', lib));
    await rm(join(mixed, 'repodata'), { recursive: true });
    expect(run('createrepo_c', ['--quiet', mixed]).status).toBe(0);
    server = spawn(process.execPath, [SERVE_DIR, join(root, 'upstream')], { stdio: ['ignore', 'pipe', 'inherit'] });
    base = await new Promise<string>((resolve) => server.stdout?.once('data', (d: Buffer) => resolve(d.toString().trim())));
    if (!base.endsWith('/')) base += '/';
    await writeExporterKey(root, 'rpm gpgcheck exporter');
  });
  afterAll(async () => {
    server?.kill('SIGTERM');
    await rm(root, { recursive: true, force: true });
  });

  it('exports and imports a repo whose packages are signed though its repomd.xml is not', async () => {
    const config = await configFor('signed', 'repo-signed-packages');
    const exported = await airlock(['--home', join(root, 'export-home'), 'export', '-c', config, '-o', join(root, 'b1')]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).not.toContain('INSECURE');
    const site = ['--home', join(root, 'site')];
    await airlock([...site, 'trust', 'add', join(root, 'exporter.pub.asc')]);
    const imported = await airlock([...site, 'import', join(root, 'b1')]);
    expect(imported.code, imported.stderr).toBe(0);
    expect((await readdir(join(root, 'site', 'publish', 'current', 'rpm', 'fx', 'Packages'))).length).toBe(7);
  });

  it('refuses at export a carried package without a signature (UPSTREAM_UNSIGNED), writing no bundle', async () => {
    const config = await configFor('mixed', 'mixed');
    const out = join(root, 'b-mixed');
    const refused = await airlockJson<{ error: { code: string; details: { package: string } } }>(['--home', join(root, 'export-mixed'), 'export', '-c', config, '-o', out]);
    expect(refused.result.code).toBe(3);
    expect(refused.json.error.code).toBe('UPSTREAM_UNSIGNED');
    expect(refused.json.error.details.package).toMatch(/fx-lib-2\.0/);
    expect((await readdir(out).catch(() => [] as string[])).filter((n) => n.endsWith('.manifest.json'))).toEqual([]);
  });

  describe('site-side reverify', () => {
    let vault: Vault;
    let catalog: RpmCatalog;
    let unsignedCatalog: RpmCatalog;
    const ctx = (upstream = testUpstreamTrust()): ImportContext => ({ sourceName: 'fx', vault, progress: silentProgress, upstream });

    beforeAll(async () => {
      vault = new Vault(join(root, 'reverify-vault'));
      await vault.init();
      const fetcher = createFetcher({ retries: 0 });
      try {
        const resolve = async (spec: Record<string, unknown>): Promise<RpmCatalog> => {
          const parsed = rpmDriver.parseSpec({ type: 'rpm', name: 'fx', gpgkey: upstreamKey, packages: ['fx-app'], ...spec }, '', root);
          const resolved = await rpmDriver.resolve(parsed, { sourceName: 'fx', configDir: root, cacheDir: join(root, 'reverify-cache'), fetcher, progress: silentProgress, upstream: testUpstreamTrust() });
          await mkdir(join(root, 'dl'), { recursive: true });
          for (const artifact of resolved.artifacts) {
            const dest = join(root, 'dl', artifact.digest.slice(7));
            if (artifact.source.kind === 'file') await copyFile(artifact.source.path, dest);
            else if (artifact.source.kind === 'url') await fetcher.download(artifact.source.urls, dest, { expected: { digest: artifact.digest, size: artifact.size } });
            else await artifact.source.download(dest);
            await vault.ingest(createReadStream(dest), { digest: artifact.digest, size: artifact.size });
          }
          return rpmDriver.parseCatalog(JSON.parse(JSON.stringify(resolved.catalog)));
        };
        catalog = await resolve({ url: `${base}repo-signed-packages/`, repoGpgcheck: false, gpgcheck: true });
        // The unsigned build, whose catalog an exporter then claims was package-signed.
        const unsigned = await resolve({ url: `${base}repo/`, repoGpgcheck: true });
        unsignedCatalog = { ...unsigned, gpgcheck: true };
      } finally {
        await fetcher.close();
      }
    });

    it('accepts packages signed by the pinned key', async () => {
      expect(catalog.gpgcheck).toBe(true);
      expect(catalog.repomdAsc).toBeNull();
      await rpmDriver.reverify!(catalog, ctx());
    });

    it('refuses packages when the site pins another key (SIGNER_UNTRUSTED)', async () => {
      const stranger = await generateKey({ name: 'stranger' });
      await expectCode(rpmDriver.reverify!(catalog, ctx(testUpstreamTrust({ keys: [stranger.armoredPublicKey] }))), 'SIGNER_UNTRUSTED');
      await rpmDriver.reverify!(catalog, ctx(testUpstreamTrust({ keys: [await readFile(upstreamKey, 'utf8')] })));
    });

    it('refuses a catalog claiming gpgcheck for packages that carry no signature (UPSTREAM_UNSIGNED)', async () => {
      await expectCode(rpmDriver.reverify!(rpmDriver.parseCatalog(unsignedCatalog), ctx()), 'UPSTREAM_UNSIGNED');
    });
  });
});
