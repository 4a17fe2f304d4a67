import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeExporterKey } from './support/exporter-key.js';
import { parsePrimary, type PrimaryPackage } from '@airlock/rpm';
import { requireTools, run } from '@airlock/test-utils';
import { airlock, airlockJson, AIRLOCK_BIN } from './support/cli.js';
import { siteDocument, snippet } from './support/site-config.js';

const BUILD_REPO = fileURLToPath(new URL('../fixtures/rpm/build-repo.sh', import.meta.url));
const SERVE_DIR = fileURLToPath(new URL('../fixtures/serve-dir.mjs', import.meta.url));
const TOOLS = ['rpmbuild', 'createrepo_c', 'gpg', 'dnf', 'rpm'];

/** Starts a process that prints its base URL on stdout (serve-dir.mjs, `airlock serve --json`). */
async function startServer(command: string, args: string[], servers: ChildProcess[]): Promise<string> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  servers.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`${command} exited ${code}`)));
  });
}

/** dnf against one repo URL into a throwaway root; everything it keeps stays under `root`. */
function dnf(root: string, url: string, args: string[], repoOptions: string[] = []): ReturnType<typeof run> {
  return run('dnf', [
    '-y', `--installroot=${root}`, '--releasever=9', '--setopt=reposdir=/dev/null', `--setopt=cachedir=${join(root, '.cache')}`,
    `--repofrompath=r,${url}`, '--setopt=r.gpgcheck=0', ...repoOptions, ...args,
  ]);
}

/** dnf with exactly one .repo file (the site page's) as its configuration, into a throwaway root. */
async function dnfWithRepoFile(root: string, repo: { file?: string; text: string }, args: string[]): Promise<ReturnType<typeof run>> {
  const reposdir = join(root, '.repos');
  await mkdir(reposdir, { recursive: true });
  await writeFile(join(reposdir, basename(repo.file ?? 'airlock.repo')), repo.text);
  return run('dnf', ['-y', `--installroot=${root}`, '--releasever=9', `--setopt=reposdir=${reposdir}`, `--setopt=cachedir=${join(root, '.cache')}`, ...args]);
}

async function readPrimary(repo: string): Promise<PrimaryPackage[]> {
  const repodata = join(repo, 'repodata');
  const name = (await readdir(repodata)).find((f) => f.endsWith('-primary.xml.gz'));
  const packages: PrimaryPackage[] = [];
  await parsePrimary(createReadStream(join(repodata, name!)).pipe(createGunzip()), (p) => packages.push(p));
  return packages.sort((a, b) => (a.name + a.version < b.name + b.version ? -1 : 1));
}

async function readXml(repo: string, type: 'filelists' | 'other'): Promise<string> {
  const repodata = join(repo, 'repodata');
  const name = (await readdir(repodata)).find((f) => f.endsWith(`-${type}.xml.gz`));
  const r = run('sh', ['-c', `zcat '${join(repodata, name!)}'`]);
  return r.stdout;
}

describe.skipIf(!requireTools(...TOOLS))('rpm: export with a package filter → import → airlock serve → real dnf', () => {
  const servers: ChildProcess[] = [];
  let root: string;
  let upstreamUrl: string;
  let siteUrl: string;
  let published: string;
  const site = (): string[] => ['--home', join(root, 'site')];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'airlock-rpm-'));
    const built = run('bash', [BUILD_REPO, join(root, 'upstream')]);
    if (built.status !== 0) throw new Error(`build-repo.sh failed: ${built.stderr}`);
    upstreamUrl = await startServer(process.execPath, [SERVE_DIR, join(root, 'upstream', 'repo')], servers);
    await writeExporterKey(root, 'rpm test exporter');
    await writeFile(join(root, 'airlock.yaml'), [
      'channel: rpm-site',
      'signing:',
      '  key: exporter.key',
      'sources:',
      '  - type: rpm',
      '    name: fx',
      `    url: ${upstreamUrl}`,
      '    gpgkey: upstream/upstream.asc',
      '    repoGpgcheck: true',
      '    packages: [fx-app, "fx-other >= 1.0"]',
      '    arch: [x86_64, noarch]',
      '  - type: rpm',
      '    name: fxz',
      `    url: ${upstreamUrl}`,
      '    gpgkey: upstream/upstream.asc',
      '    packages: [fx-lib]',
      '    repodataCompression: zst',
      '',
    ].join('\n'));
    const exported = await airlock(['--home', join(root, 'export-home'), 'export', '-c', join(root, 'airlock.yaml'), '-o', join(root, 'bundle-1')]);
    if (exported.code !== 0) throw new Error(`export failed: ${exported.stderr}`);
    expect((await airlock([...site(), 'trust', 'add', join(root, 'exporter.pub.asc')])).code).toBe(0);
    const imported = await airlock([...site(), 'import', join(root, 'bundle-1')]);
    if (imported.code !== 0) throw new Error(`import failed: ${imported.stderr}`);
    published = join(root, 'site', 'publish', 'current', 'rpm', 'fx');
    siteUrl = await startServer(process.execPath, [AIRLOCK_BIN, ...site(), 'serve', '--listen', '127.0.0.1:0', '--json'], servers);
  });

  afterAll(async () => {
    for (const server of servers) server.kill('SIGTERM');
    await rm(root, { recursive: true, force: true });
  });

  it('dnf with the site page\'s .repo file (repo_gpgcheck=1, the site key) installs the requested package and its dependencies', async () => {
    const installRoot = join(root, 'installroot');
    await mkdir(installRoot);
    const repo = snippet(await siteDocument(siteUrl), 'rpm/fx', 'dnf-repo');
    expect(repo.file).toBe('/etc/yum.repos.d/airlock-fx.repo');
    expect(repo.text).toContain('repo_gpgcheck=1\n');
    expect(repo.text).toContain(`gpgkey=${siteUrl}keys/site.asc\n`);
    const result = await dnfWithRepoFile(installRoot, repo, ['install', 'fx-app']);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const installed = run('rpm', ['--root', installRoot, '-qa', '--qf', '%{NAME}-%{EVR}.%{ARCH}\n']).stdout.trim().split('\n').sort();
    expect(installed).toEqual(['fx-app-1.2~rc1-1.x86_64', 'fx-base-1.0-1.noarch', 'fx-data-3.2-1.noarch', 'fx-doc-1.0-1.noarch', 'fx-lib-1:2.0-1.x86_64', 'fx-postfix-3.5-1.x86_64', 'fx-tools-0.9-3.noarch']);
  });

  it('publishes zstd repodata on request, which dnf also installs from', async () => {
    const installRoot = join(root, 'zst-root');
    await mkdir(installRoot);
    const repodata = await readdir(join(root, 'site', 'publish', 'current', 'rpm', 'fxz', 'repodata'));
    expect(repodata.filter((f) => f.endsWith('.xml.zst'))).toHaveLength(3);
    const result = await dnfWithRepoFile(installRoot, snippet(await siteDocument(siteUrl), 'rpm/fxz', 'dnf-repo'), ['install', 'fx-lib']);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(run('rpm', ['--root', installRoot, '-q', 'fx-lib', 'fx-base']).status).toBe(0);
  });

  it('carries comps and updateinfo through, and dnf reads them from the site', async () => {
    const repomd = await readFile(join(published, 'repodata', 'repomd.xml'), 'utf8');
    for (const type of ['primary', 'filelists', 'other', 'group', 'group_gz', 'updateinfo']) expect(repomd).toContain(`<data type="${type}">`);
    const queryRoot = join(root, 'extras-root');
    await mkdir(queryRoot);
    const options = ['--setopt=r.repo_gpgcheck=1', `--setopt=r.gpgkey=${siteUrl}keys/site.asc`];
    const groups = dnf(queryRoot, `${siteUrl}rpm/fx/`, ['group', 'info', 'fx-suite'], options);
    expect(groups.status, groups.stderr).toBe(0);
    expect(groups.stdout).toContain('fx-app');
    const advisory = dnf(queryRoot, `${siteUrl}rpm/fx/`, ['-q', 'repoquery', '--advisory', 'FXSA-2026:0001'], options);
    expect(advisory.status, advisory.stderr).toBe(0);
    expect(advisory.stdout.trim()).toBe('fx-lib-1:2.0-1.x86_64');
  });

  it('dnf refuses the published repo when repomd.xml.asc is checked against a key that did not sign it', async () => {
    const installRoot = join(root, 'wrong-key-root');
    await mkdir(installRoot);
    const result = dnf(installRoot, `${siteUrl}rpm/fx/`, ['install', 'fx-app'], ['--setopt=r.repo_gpgcheck=1', `--setopt=r.gpgkey=file://${join(root, 'upstream', 'upstream.asc')}`]);
    expect(result.status).not.toBe(0);
    expect(run('rpm', ['--root', installRoot, '-qa']).stdout.trim()).toBe('');
  });

  it('carries the same closure dnf resolves against the upstream fixture', async () => {
    const queryRoot = join(root, 'query-root');
    await mkdir(queryRoot);
    const expected = new Set<string>();
    for (const root of ['fx-app', 'fx-other']) {
      const q = dnf(queryRoot, upstreamUrl, ['-q', 'repoquery', '--requires', '--resolve', '--recursive', '--qf', '%{name}-%{version}-%{release}.%{arch}.rpm', root]);
      expect(q.status, q.stderr).toBe(0);
      for (const line of q.stdout.split('\n').filter((l) => l.endsWith('.rpm'))) expected.add(line);
    }
    expected.add('fx-app-1.2~rc1-1.x86_64.rpm').add('fx-other-1.0-1.x86_64.rpm');
    expect((await readdir(join(published, 'Packages'))).sort()).toEqual([...expected].sort());
  });

  it('writes the metadata createrepo_c writes over the same RPMs: packages, NEVRA, checksums, provides/requires, file lists, changelogs', async () => {
    const reference = join(root, 'createrepo');
    await mkdir(join(reference, 'Packages'), { recursive: true });
    for (const name of await readdir(join(published, 'Packages'))) await copyFile(join(published, 'Packages', name), join(reference, 'Packages', name));
    const made = run('createrepo_c', ['--quiet', reference]);
    expect(made.status, made.stderr).toBe(0);
    const ours = await readPrimary(published);
    const theirs = await readPrimary(reference);
    expect(ours.length).toBe(8);
    expect(ours).toEqual(theirs);
    expect(await readXml(published, 'filelists')).toEqual(await readXml(reference, 'filelists'));
    expect(await readXml(published, 'other')).toEqual(await readXml(reference, 'other'));
    expect(await readXml(published, 'other')).toContain('date="1736510401"'); // two changelog entries shared a date
  });

  it('signs repomd.xml with the site key, verifiable with gpg', async () => {
    const gnupg = join(root, 'verify-gnupg');
    await mkdir(gnupg, { mode: 0o700 });
    const env = { ...process.env, GNUPGHOME: gnupg };
    expect(run('gpg', ['--batch', '--import', join(root, 'site', 'publish', 'current', 'keys', 'site.asc')], { env }).status).toBe(0);
    const verify = run('gpg', ['--batch', '--verify', join(published, 'repodata', 'repomd.xml.asc'), join(published, 'repodata', 'repomd.xml')], { env });
    expect(verify.status, verify.stderr).toBe(0);
  });

  it('ships nothing new when the upstream did not change (incremental)', async () => {
    const second = await airlockJson<{ carried: { blobs: number } }>(['--home', join(root, 'export-home'), 'export', '-c', join(root, 'airlock.yaml'), '-o', join(root, 'bundle-2')]);
    expect(second.result.code, second.result.stderr).toBe(0);
    expect(second.json.carried.blobs).toBe(0);
  });
});
