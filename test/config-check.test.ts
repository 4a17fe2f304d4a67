import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateKey } from '@airlock/pgp';
import { tempDir } from '@airlock/test-utils';
import { airlock, airlockJson } from './support/cli.js';
import { writeExporterKey } from './support/exporter-key.js';

interface CheckJson {
  kind: string;
  ok: boolean;
  problems: Array<{ path: string; message: string }>;
  sources: Array<{ type: string; name: string }>;
  files: number;
}

const CONFIG = `channel: site-a
signing:
  key: keys/exporter.key
  passphraseFile: keys/passphrase
volumes: {maxSize: 4GiB, compression: zstd}
sources:
  - type: apt
    name: ubuntu
    url: http://archive.ubuntu.com/ubuntu
    suites: [jammy]
    components: [main]
    architectures: [amd64]
    keyring: keys/ubuntu-archive-keyring.gpg
    packages: [nfs-common]
  - type: rpm
    name: base
    url: https://dl.rockylinux.org/pub/rocky/9/BaseOS/x86_64/os/
    gpgkey: [keys/RPM-GPG-KEY-Rocky-9, keys/RPM-GPG-KEY-extra]
  - type: oci
    name: cluster
    images: {fromFile: images.txt}
    platforms: [linux/amd64]
  - type: files
    name: isos
    path: ./payload
  - type: simplestreams
    name: maas
    url: https://images.maas.io/ephemeral-v3/stable/
    keyring: keys/ubuntu-cloudimage-keyring.gpg
    custom:
      - {name: rhel/9, arch: amd64, file: images/rhel9.tar.gz}
  - type: snap
    name: maas-snaps
    snaps: [{name: maas, channel: 3.5/stable}]
    trustedRoots: keys/extra-roots.assert
`;

async function armoredPublicKey(name: string): Promise<string> {
  return (await generateKey({ name })).armoredPublicKey;
}

/** Every file CONFIG refers to, real where content is checked (keys), a placeholder elsewhere. */
async function provide(dir: string): Promise<void> {
  await writeExporterKey(join(dir, 'keys'));
  await writeFile(join(dir, 'keys', 'passphrase'), 'not used by the check\n');
  for (const k of ['ubuntu-archive-keyring.gpg', 'RPM-GPG-KEY-Rocky-9', 'RPM-GPG-KEY-extra', 'ubuntu-cloudimage-keyring.gpg']) await writeFile(join(dir, 'keys', k), await armoredPublicKey(k));
  await writeFile(join(dir, 'keys', 'extra-roots.assert'), 'type: account\n');
  await writeFile(join(dir, 'images.txt'), 'registry.k8s.io/pause:3.9\nregistry.k8s.io/etcd:3.5.12-0\n');
  await mkdir(join(dir, 'payload'));
  await mkdir(join(dir, 'images'));
  await writeFile(join(dir, 'images', 'rhel9.tar.gz'), 'placeholder');
}

describe('airlock config check', () => {
  it('accepts a config whose fields and local files are all in order, without touching the network', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'airlock.yaml'), CONFIG);
    await provide(dir);
    const run = await airlockJson<CheckJson>(['config', 'check', join(dir, 'airlock.yaml')], { env: { HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9' } });
    expect(run.result.code, run.result.stderr).toBe(0);
    expect(run.json).toMatchObject({ kind: 'export', ok: true, problems: [] });
    expect(run.json.sources.map((s) => `${s.type}/${s.name}`)).toEqual(['apt/ubuntu', 'rpm/base', 'oci/cluster', 'files/isos', 'simplestreams/maas', 'snap/maas-snaps']);
    expect(run.json.files).toBe(10);
    const human = await airlock(['config', 'check', join(dir, 'airlock.yaml')]);
    expect(human.stdout).toMatch(/airlock\.yaml: OK \(config with 6 source\(s\), 10 local file\(s\) checked\)/);
  });

  it('lists every problem at once with exit 2: bad fields of every driver and each missing, unreadable or wrong file', async () => {
    const dir = await tempDir();
    const broken = CONFIG.replace('compression: zstd', 'compression: lz4').replace('architectures: [amd64]', 'architectures: [all]').replace('linux/amd64', 'amd64');
    await writeFile(join(dir, 'airlock.yaml'), broken);
    await provide(dir);
    await writeFile(join(dir, 'keys', 'ubuntu-archive-keyring.gpg'), '<html>404 Not Found</html>');
    await writeFile(join(dir, 'keys', 'exporter.key'), await armoredPublicKey('not private'));
    await writeFile(join(dir, 'images.txt'), 'registry.k8s.io/pause:3.9\nNOT/A/Reference\n');
    const { rm, chmod } = await import('node:fs/promises');
    await rm(join(dir, 'keys', 'RPM-GPG-KEY-extra'));
    await rm(join(dir, 'images', 'rhel9.tar.gz'));
    await rm(join(dir, 'payload'), { recursive: true });
    await writeFile(join(dir, 'payload'), 'a file is fine for files.path');
    await chmod(join(dir, 'keys', 'extra-roots.assert'), 0o000);
    const run = await airlockJson<CheckJson>(['config', 'check', join(dir, 'airlock.yaml')]);
    expect(run.result.code).toBe(2);
    expect(run.json.ok).toBe(false);
    const paths = run.json.problems.map((p) => p.path).sort();
    const unreadable = process.getuid?.() === 0 ? [] : ['sources[5].trustedRoots'];
    expect(paths).toEqual([
      'signing.key',
      'sources[0].architectures[0]',
      'sources[1].gpgkey[1]',
      'sources[2].platforms[0]',
      `sources[2].images.fromFile (${join(dir, 'images.txt')} line 2)`,
      'sources[4].custom[0].file',
      ...unreadable,
      'volumes.compression',
    ].sort());
    const message = (path: string): string => run.json.problems.find((p) => p.path === path)?.message ?? '';
    expect(message('signing.key')).toMatch(/not an armored OpenPGP private key/);
    expect(message('sources[1].gpgkey[1]')).toMatch(/RPM-GPG-KEY-extra does not exist/);
    expect(message('sources[4].custom[0].file')).toMatch(/rhel9\.tar\.gz does not exist/);
    const human = await airlock(['config', 'check', join(dir, 'airlock.yaml')]);
    expect(human.code).toBe(2);
    expect(human.stderr).toMatch(new RegExp(`has ${paths.length} problem\\(s\\)`));
    expect(human.stderr).toMatch(/fix them and run airlock config check again/);
  });

  it('finds a keyring that is not a key once the apt entry itself is valid', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'airlock.yaml'), CONFIG);
    await provide(dir);
    await writeFile(join(dir, 'keys', 'ubuntu-archive-keyring.gpg'), '<html>404 Not Found</html>');
    const run = await airlockJson<CheckJson>(['config', 'check', join(dir, 'airlock.yaml')]);
    expect(run.result.code).toBe(2);
    expect(run.json.problems).toEqual([{ path: 'sources[0].keyring', message: expect.stringMatching(/holds no usable OpenPGP public key/) }]);
  });

  it('reports YAML syntax errors with their line', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'airlock.yaml'), 'channel: a\nsources:\n  - type: files\n   name: x\n');
    const run = await airlockJson<CheckJson>(['config', 'check', join(dir, 'airlock.yaml')]);
    expect(run.result.code).toBe(2);
    expect(run.json.problems[0]?.path).toMatch(/^line \d/);
  });

  it('checks a site config: registry url, credentials file, no inline secret', async () => {
    const dir = await tempDir();
    const site = join(dir, 'site.yaml');
    await writeFile(site, 'publish:\n  registry:\n    url: registry.site.example:5000/airlock\n    credentials: {file: registry-auth.json}\n');
    const missing = await airlockJson<CheckJson>(['config', 'check', site]);
    expect(missing.result.code).toBe(2);
    expect(missing.json).toMatchObject({ kind: 'site', problems: [{ path: 'publish.registry.credentials.file', message: expect.stringMatching(/registry-auth\.json does not exist/) }] });
    await writeFile(join(dir, 'registry-auth.json'), '{"auths": {}}');
    const ok = await airlockJson<CheckJson>(['config', 'check', site]);
    expect(ok.result.code, ok.result.stderr).toBe(0);
    expect(ok.json).toMatchObject({ kind: 'site', ok: true, files: 1 });
    await writeFile(site, 'publish:\n  registry:\n    url: "not a url"\n    insecure: maybe\n    password: hunter2\n    credentials: {password: hunter2}\n');
    const bad = await airlockJson<CheckJson>(['config', 'check', site]);
    expect(bad.json.problems.map((p) => p.path).sort()).toEqual(['publish.registry.credentials', 'publish.registry.insecure', 'publish.registry.password', 'publish.registry.url']);
  });

  it('points publish settings in an airlock.yaml to the site config', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'airlock.yaml'), `${CONFIG}publish:\n  registry: {url: registry.site.example:5000}\n`);
    await provide(dir);
    const run = await airlockJson<CheckJson>(['config', 'check', join(dir, 'airlock.yaml')]);
    expect(run.result.code).toBe(2);
    expect(run.json.kind).toBe('export');
    expect(run.json.problems).toEqual([{ path: 'publish', message: expect.stringMatching(/belong to the isolated side: put them in site\.yaml/) }]);
  });

  it('accepts the commented site.yaml that airlock init writes', async () => {
    const home = join(await tempDir(), 'home');
    const init = await airlockJson<{ siteConfig: string; siteConfigCreated: boolean }>(['--home', home, 'init']);
    expect(init.json.siteConfigCreated).toBe(true);
    const run = await airlockJson<CheckJson>(['config', 'check', init.json.siteConfig]);
    expect(run.result.code, run.result.stderr).toBe(0);
    expect(run.json.kind).toBe('site');
    const again = await airlockJson<{ siteConfigCreated: boolean }>(['--home', home, 'init']);
    expect(again.json.siteConfigCreated).toBe(false);
  });
});
