import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools } from '@airlock/test-utils';
import { aptRoot, buildUpstream, serveDir, serveSite, writeConfig, type Served, type Upstream } from '../fixtures/apt/harness.js';
import { airlock, airlockJson } from './support/cli.js';

const TOOLS = ['dpkg-deb', 'dpkg', 'apt-ftparchive', 'gpg', 'apt-get', 'xz'];
const ZETA = 'pool/contrib/z/zeta/zeta_1:0.9-1_amd64.deb';

describe.skipIf(!requireTools(...TOOLS))('apt compatibility: a pool Filename with an epoch colon', () => {
  let root: string;
  let upstream: Upstream;
  let served: Served;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'airlock-apt-epoch-'));
    upstream = buildUpstream(join(root, 'upstream'));
    served = await serveDir(upstream.archive);
  });
  afterAll(async () => {
    served?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it(`is exported, published at ${ZETA}, and installed by real apt-get and dpkg through airlock serve`, async () => {
    const { config, exporterPublicKey } = await writeConfig(root, [
      '  - type: apt',
      '    name: fixture',
      `    url: ${served.url}`,
      `    keyring: ${upstream.keyring}`,
      '    suites: [stable]',
      '    components: [contrib]',
      '    architectures: [amd64]',
      '    packages: [zeta]',
    ]);
    const siteHome = join(root, 'site');
    const exported = await airlockJson<{ carried: { blobs: number } }>(['--home', join(root, 'export-home'), 'export', '-c', config, '-o', join(root, 'bundle')]);
    expect(exported.result.code, exported.result.stderr).toBe(0);
    expect(exported.json.carried.blobs).toBe(3); // zeta, the Packages index, the catalog
    expect((await airlock(['--home', siteHome, 'trust', 'add', exporterPublicKey])).code).toBe(0);
    const imported = await airlock(['--home', siteHome, 'import', join(root, 'bundle')]);
    expect(imported.code, imported.stderr).toBe(0);
    const published = join(siteHome, 'publish', 'current', 'apt', 'fixture');
    expect(await readdir(join(published, 'pool/contrib/z/zeta'))).toEqual(['zeta_1:0.9-1_amd64.deb']);
    expect(await readFile(join(published, 'dists/stable/contrib/binary-amd64/Packages'), 'utf8')).toContain(`Filename: ${ZETA}\n`);

    const site = await serveSite(siteHome);
    try {
      const key = join(root, 'site.gpg');
      await writeFile(key, Buffer.from(await (await fetch(new URL('keys/site.gpg', site.url))).arrayBuffer()));
      const apt = await aptRoot(join(root, 'apt-site'), `deb [signed-by=${key}] ${site.url}apt/fixture stable contrib\n`);
      for (const dir of ['var/lib/dpkg/info', 'var/lib/dpkg/updates', 'var/lib/dpkg/triggers']) await mkdir(join(apt.root, dir), { recursive: true });
      await writeFile(join(apt.root, 'var/lib/dpkg/available'), '');
      const update = apt.aptGet(['update']);
      expect(update.status, update.stderr).toBe(0);
      expect(`${update.stdout}\n${update.stderr}`).not.toMatch(/^(W|E):/m);
      const install = apt.aptGet(['install', '-y', '-o', `DPkg::Options::=--root=${apt.root}`, '-o', `DPkg::Options::=--log=${join(apt.root, 'var/log/dpkg.log')}`, '-o', 'DPkg::Options::=--force-not-root', 'zeta']);
      expect(install.status, `${install.stdout}\n${install.stderr}`).toBe(0);
      expect(`${install.stdout}\n${install.stderr}`).not.toMatch(/^(W|E):/m);
      expect(await readFile(join(apt.root, 'usr/share/doc/zeta/README'), 'utf8')).toBe('zeta 1:0.9-1 fixture payload\n');
      expect(await readFile(join(apt.root, 'var/lib/dpkg/status'), 'utf8')).toMatch(/^Package: zeta\nStatus: install ok installed\n[\s\S]*^Version: 1:0\.9-1$/m);
    } finally {
      site.stop();
    }
  });
});
