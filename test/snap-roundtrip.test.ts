import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRootFile, splitAssertions, AssertionChain, readAssertion } from '@airlock/snap';
import { requireTools, run } from '@airlock/test-utils';
import { freePort } from '../fixtures/oci/upstream.js';
import { buildSnapdTool, snapdSourcesPresent } from '../fixtures/snap/snapd-tools.js';
import { standardStore } from '../fixtures/snap/standard-store.js';
import type { FixtureStore } from '../fixtures/snap/store.js';
import type { TestAuthority } from '../fixtures/snap/authority.js';
import { writeExporterKey } from './support/exporter-key.js';
import { AIRLOCK_BIN, airlock, airlockJson } from './support/cli.js';
import { runSnippet, siteDocument, snippet } from './support/site-config.js';

let root = '';
let store: FixtureStore;
let authority: TestAuthority;
const stops: Array<() => Promise<void>> = [];

async function writeConfig(name: string, snaps: string[], extra: string[] = []): Promise<string> {
  const path = join(root, name);
  await writeFile(
    path,
    ['channel: snap-site', 'signing:', '  key: keys/exporter.key', 'volumes:', '  maxSize: 64MiB', 'sources:', '  - type: snap', '    name: snaps', `    store: ${store.url}`, '    trustedRoots: ./root.assert', '    snaps:', ...snaps.map((s) => `      - ${s}`), ...extra.map((l) => `    ${l}`), ''].join('\n'),
  );
  return path;
}

async function serveSite(home: string): Promise<string> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [AIRLOCK_BIN, '--home', home, 'serve', '--listen', `127.0.0.1:${port}`], { stdio: 'ignore' });
  stops.push(async () => void child.kill('SIGTERM'));
  for (let i = 0; i < 100; i++) {
    if (await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return `http://127.0.0.1:${port}`;
}

describe.skipIf(!requireTools('mksquashfs', 'unsquashfs'))('snap: fixture store → bundle → side-load area and store API', () => {
  const site = (): string => join(root, 'site');
  const published = (): string => join(site(), 'publish', 'current', 'snap', 'snaps');

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'airlock-snap-'));
    await mkdir(join(root, 'work'));
    ({ store, authority } = await standardStore(join(root, 'work')));
    stops.push(() => store.stop());
    await writeFile(join(root, 'root.assert'), authority.rootFile());
    await writeExporterKey(join(root, 'keys'), 'snap test exporter');
    const exported = await airlockJson(['--home', join(root, 'export-home'), 'export', '-c', await writeConfig('airlock.yaml', ['{ name: hello-app }', '{ name: tool-classic, channel: 1.0/stable }']), '-o', join(root, 'bundle-1')]);
    expect(exported.result.code, exported.result.stderr).toBe(0);
    expect((await airlock(['--home', site(), 'trust', 'add', join(root, 'keys', 'exporter.pub.asc')])).code).toBe(0);
    const added = await airlockJson<{ anchors: Array<{ kind: string; id: string }> }>(['--home', site(), 'trust', 'add', join(root, 'root.assert')]);
    expect(added.json.anchors).toEqual([expect.objectContaining({ kind: 'snap-root', id: authority.rootKey.id })]);
    const imported = await airlock(['--home', site(), 'import', join(root, 'bundle-1')]);
    expect(imported.code, imported.stderr).toBe(0);
  });

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('carries the base, the content default-provider and snapd without being named, and the store saw the device headers', async () => {
    const files = (await readdir(published())).sort();
    expect(files).toEqual(
      ['content-provider_5', 'core22_33', 'hello-app_10', 'snapd_21', 'tool-classic_3'].flatMap((b) => [`${b}.assert`, `${b}.snap`]).concat(['index.json', 'install.sh']).sort(),
    );
    const refreshes = store.requests.filter((r) => r.url === '/v2/snaps/refresh');
    expect(refreshes.length).toBe(5);
    expect(refreshes.every((r) => r.headers['snap-device-series'] === '16' && r.headers['snap-device-architecture'] === 'amd64')).toBe(true);
    const index = JSON.parse(await readFile(join(published(), 'index.json'), 'utf8')) as { snaps: Array<{ name: string; revision: number; base: string; requested: boolean; channels: Array<{ channel: string }> }> };
    const hello = index.snaps.find((s) => s.name === 'hello-app');
    expect(hello).toMatchObject({ revision: 10, base: 'core22', requested: true, channels: [{ channel: 'latest/stable', architecture: 'amd64' }] });
    expect(index.snaps.find((s) => s.name === 'content-provider')?.requested).toBe(false);
  });

  it('publishes snaps that unsquashfs reads and whose bytes match the store; .assert files verify against the test root', async () => {
    const roots = readRootFile(Buffer.from(authority.rootFile()), 'test root');
    for (const s of store.snaps) {
      const base = join(published(), `${s.built.meta.name}_${s.revision}`);
      const yaml = run('unsquashfs', ['-cat', `${base}.snap`, 'meta/snap.yaml']);
      expect(yaml.status, yaml.stderr).toBe(0);
      expect(yaml.stdout).toBe(s.built.snapYaml);
      expect(createHash('sha3-384').update(await readFile(`${base}.snap`)).digest('hex')).toBe(s.built.sha3Hex);
      const assertText = await readFile(`${base}.assert`);
      const parts = splitAssertions(assertText, `${base}.assert`);
      expect(parts.map((p) => p.type)).toEqual(['account-key', 'account', 'snap-declaration', 'snap-revision']);
      // Byte for byte what the store served, one empty line apart.
      expect(assertText.toString()).toBe([authority.storeAccountKey, store.assertions.get(`account/${s.publisher}`), store.assertions.get(`snap-declaration/16/${s.snapId}`), store.assertions.get(`snap-revision/${s.built.sha3}`)].join('\n'));
      const chain = new AssertionChain(roots, parts.map((p) => readAssertion(p.text)), BigInt(Date.now()) * 1_000_000n);
      expect(() => chain.revision(s.built.sha3, base)).not.toThrow();
    }
  });

  it.skipIf(!requireTools('go') || !snapdSourcesPresent())('verifies with snapd\'s own assertion code: accepted with the test root, refused with only the Canonical root or a flipped byte', async () => {
    const helper = buildSnapdTool(join(root, 'go'), 'snapd-verify');
    const snaps = store.snaps.map((s) => join(published(), `${s.built.meta.name}_${s.revision}.snap`));
    const ok = run(helper, [join(root, 'root.assert'), ...snaps]);
    expect(ok.stderr).toBe('');
    expect(ok.stdout.trim().split('\n').sort()).toEqual(store.snaps.map((s) => `ok ${s.built.meta.name} ${s.revision}`).sort());
    const canonicalOnly = run(helper, ['-', snaps[0] as string]);
    expect(canonicalOnly.status).toBe(1);
    expect(canonicalOnly.stderr).toMatch(/cannot resolve prerequisite assertion: account \(testroot\)/);
    const copy = join(root, 'tampered');
    await mkdir(copy, { recursive: true });
    const text = await readFile(snaps[0]!.replace(/\.snap$/, '.assert'), 'utf8');
    await writeFile(join(copy, 'x.assert'), text.replace('snap-revision: ', 'snap-revision: 1'));
    await writeFile(join(copy, 'x.snap'), await readFile(snaps[0] as string));
    expect(run(helper, [join(root, 'root.assert'), join(copy, 'x.snap')]).status).toBe(1);
  }, 300_000);

  it('answers the store API: install returns the published revision and a download URL whose bytes match; unknown names get not-found', async () => {
    const base = await serveSite(site());
    const refresh = (body: unknown, arch = 'amd64') =>
      fetch(`${base}/snap/snaps/v2/snaps/refresh`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Snap-Device-Series': '16', 'Snap-Device-Architecture': arch }, body: JSON.stringify(body) }).then(
        async (r) => ({ status: r.status, json: (await r.json()) as { results: Array<Record<string, any>> } }),
      );
    const install = await refresh({ context: [], actions: [{ action: 'install', 'instance-key': 'install-1', name: 'hello-app', channel: 'stable', epoch: null }, { action: 'install', 'instance-key': 'install-2', name: 'no-such-snap', epoch: null }], fields: ['download'] });
    expect(install.status).toBe(200);
    const [hello, unknown] = install.json.results;
    expect(hello).toMatchObject({ result: 'install', 'instance-key': 'install-1', name: 'hello-app', 'effective-channel': 'latest/stable', snap: { revision: 10, base: 'core22' } });
    const hit = store.snaps.find((s) => s.built.meta.name === 'hello-app')!;
    expect(hello?.snap['snap-id']).toBe(hit.snapId);
    const url = hello?.snap.download.url as string;
    expect(url.startsWith(`${base}/snap/snaps/`)).toBe(true);
    const bytes = Buffer.from(await (await fetch(url)).arrayBuffer());
    expect(createHash('sha3-384').update(bytes).digest('hex')).toBe(hello?.snap.download['sha3-384']);
    expect(bytes.equals(await readFile(hit.built.path))).toBe(true);
    expect(unknown).toMatchObject({ result: 'error', 'instance-key': 'install-2', name: 'no-such-snap', error: { code: 'name-not-found' } });

    const refreshed = await refresh({ context: [{ 'snap-id': hit.snapId, 'instance-key': hit.snapId, revision: 9, 'tracking-channel': 'latest/stable' }], actions: [{ action: 'refresh', 'instance-key': hit.snapId, 'snap-id': hit.snapId }] });
    expect(refreshed.json.results[0]).toMatchObject({ result: 'refresh', name: 'hello-app', snap: { revision: 10 } });
    const otherArch = await refresh({ context: [], actions: [{ action: 'install', 'instance-key': 'install-1', name: 'hello-app', epoch: null }] }, 'arm64');
    expect(otherArch.json.results[0]).toMatchObject({ result: 'error', name: 'hello-app', error: { code: 'revision-not-found', extra: { releases: [{ architecture: 'amd64', channel: 'latest/stable' }] } } });
    const track = await refresh({ context: [], actions: [{ action: 'install', 'instance-key': 'install-1', name: 'tool-classic', channel: '1.0/stable', epoch: null }] });
    expect(track.json.results[0]).toMatchObject({ result: 'install', snap: { revision: 3, confinement: 'classic' } });

    const info = await fetch(`${base}/snap/snaps/v2/snaps/info/hello-app?architecture=amd64`);
    expect(info.status).toBe(200);
    const infoJson = (await info.json()) as { 'snap-id': string; 'channel-map': Array<{ revision: number; channel: { name: string; track: string } }> };
    expect(infoJson['snap-id']).toBe(hit.snapId);
    expect(infoJson['channel-map'].map((c) => [c.revision, c.channel.name, c.channel.track])).toEqual([[10, 'stable', 'latest']]);
    expect((await fetch(`${base}/snap/snaps/v2/snaps/info/no-such-snap`)).status).toBe(404);

    const assertion = await fetch(`${base}/snap/snaps/v2/assertions/snap-revision/${hit.built.sha3}`, { headers: { Accept: 'application/x.ubuntu.assertion' } });
    expect(assertion.headers.get('content-type')).toBe('application/x.ubuntu.assertion');
    expect(await assertion.text()).toBe(store.assertions.get(`snap-revision/${hit.built.sha3}`));
    const missing = await fetch(`${base}/snap/snaps/v2/assertions/snap-revision/${'A'.repeat(64)}`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(await missing.json()).toEqual({ 'error-list': [{ code: 'not-found', message: 'not found' }] });
  });

  it.skipIf(!requireTools('go') || !snapdSourcesPresent('snapd-store-client'))('serves snapd\'s own store client pointed at it with SNAPPY_FORCE_API_URL: info, install, download, assertions, refresh, unknown name', async () => {
    const base = await serveSite(site());
    const client = buildSnapdTool(join(root, 'go'), 'snapd-store-client');
    const out = join(root, 'client-out');
    await mkdir(out, { recursive: true });
    const hit = store.snaps.find((s) => s.built.meta.name === 'hello-app')!;
    // The store URL is the one the site page's snapd drop-in sets.
    const dropIn = snippet(await siteDocument(`${base}/`), 'snap/snaps', 'snapd-store');
    expect(dropIn.file).toBe('/etc/systemd/system/snapd.service.d/airlock-store.conf');
    const storeUrl = /^Environment=SNAPPY_FORCE_API_URL=(\S+)$/m.exec(dropIn.text)?.[1];
    expect(storeUrl).toBe(`${base}/snap/snaps/`);
    const r = run(client, [join(root, 'root.assert'), 'hello-app', out], { env: { ...process.env, SNAPPY_FORCE_API_URL: storeUrl, SNAPPY_TESTING: '1' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toContain(`info hello-app ${hit.snapId} channels=1`);
    expect(lines).toContain(`install hello-app ${hit.snapId} revision=10 channel=latest/stable`);
    expect(lines).toContain('verified hello-app revision=10');
    expect(lines).toContain('refresh hello-app revision=10');
    expect(lines.find((l) => l.startsWith('unknown '))).toMatch(/no-such-snap.*not found|snap not found/i);
    expect((await readFile(join(out, 'hello-app_10.snap'))).equals(await readFile(hit.built.path))).toBe(true);
  }, 300_000);

  it('the site page\'s side-load command downloads the area from airlock serve and runs install.sh, which installs in dependency order', async () => {
    const base = await serveSite(site());
    const sideLoad = snippet(await siteDocument(`${base}/`), 'snap/snaps', 'snap-install');
    const bin = join(root, 'fake-bin-page');
    await mkdir(bin, { recursive: true });
    const log = join(root, 'page-snap-calls.log');
    await writeFile(join(bin, 'snap'), `#!/bin/sh\necho "$*" >> "${log}"\n`);
    await chmod(join(bin, 'snap'), 0o755);
    const device = join(root, 'device');
    await mkdir(device, { recursive: true });
    const result = runSnippet(sideLoad.text, device, { PATH: `${bin}:${process.env.PATH ?? ''}`, AIRLOCK_SNAP_ARCH: 'amd64' });
    expect(result.status, result.stderr).toBe(0);
    expect((await readFile(log, 'utf8')).trim().split('\n').filter((l) => l.startsWith('install'))).toEqual([
      'install snapd_21.snap', 'install core22_33.snap', 'install content-provider_5.snap', 'install hello-app_10.snap', 'install --classic tool-classic_3.snap',
    ]);
    const hello = store.snaps.find((s) => s.built.meta.name === 'hello-app')!;
    expect((await readFile(join(device, 'airlock-snaps', 'hello-app_10.snap'))).equals(await readFile(hello.built.path))).toBe(true);
  });

  it('install.sh passes sh -n and, with a fake snap command, acks and installs snapd, the base, the provider, then the snaps', async () => {
    const script = join(published(), 'install.sh');
    expect(run('sh', ['-n', script]).status).toBe(0);
    const bin = join(root, 'fake-bin');
    await mkdir(bin, { recursive: true });
    const log = join(root, 'snap-calls.log');
    await writeFile(join(bin, 'snap'), `#!/bin/sh\necho "$*" >> "${log}"\n`);
    await chmod(join(bin, 'snap'), 0o755);
    const result = run('sh', [script], { env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, AIRLOCK_SNAP_ARCH: 'amd64' } });
    expect(result.status, result.stderr).toBe(0);
    expect((await readFile(log, 'utf8')).trim().split('\n')).toEqual([
      'ack snapd_21.assert',
      'install snapd_21.snap',
      'ack core22_33.assert',
      'install core22_33.snap',
      'ack content-provider_5.assert',
      'install content-provider_5.snap',
      'ack hello-app_10.assert',
      'install hello-app_10.snap',
      'ack tool-classic_3.assert',
      'install --classic tool-classic_3.snap',
    ]);
    const wrongArch = run('sh', [script], { env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, AIRLOCK_SNAP_ARCH: 's390x' } });
    expect(wrongArch.status).toBe(1);
    expect(wrongArch.stderr).toContain('no snaps for architecture s390x');
  });

  it('refuses the bundle on a site that has not added the snap root (or removed it), keeping nothing published', async () => {
    const other = join(root, 'site-no-root');
    await airlock(['--home', other, 'trust', 'add', join(root, 'keys', 'exporter.pub.asc')]);
    await airlock(['--home', other, 'trust', 'add', join(root, 'root.assert')]);
    const listed = await airlockJson<{ anchors: Array<{ kind: string; id: string; description: string }> }>(['--home', other, 'trust', 'list']);
    expect(listed.json.anchors).toEqual([expect.objectContaining({ kind: 'snap-root', id: authority.rootKey.id, description: expect.stringContaining('testroot') })]);
    expect((await airlock(['--home', other, 'trust', 'remove', authority.rootKey.id])).code).toBe(0);
    expect((await airlockJson<{ anchors: unknown[] }>(['--home', other, 'trust', 'list'])).json.anchors).toEqual([]);
    const refused = await airlockJson<{ error?: { code: string; message: string } }>(['--home', other, 'import', join(root, 'bundle-1')]);
    expect(refused.result.code).not.toBe(0);
    expect(refused.json.error?.code).toBe('SIGNER_UNTRUSTED');
    expect(await readdir(join(other, 'publish')).catch(() => [])).not.toContain('current');
  });

  it('exports again incrementally: cached snaps are not downloaded again and only the new catalog is carried', async () => {
    const downloadsBefore = store.requests.filter((r) => r.url.startsWith('/download/')).length;
    const again = await airlockJson<{ carried: { blobs: number } }>(['--home', join(root, 'export-home'), 'export', '-c', join(root, 'airlock.yaml'), '-o', join(root, 'bundle-2')]);
    expect(again.result.code, again.result.stderr).toBe(0);
    expect(store.requests.filter((r) => r.url.startsWith('/download/')).length).toBe(downloadsBefore);
    expect(again.json.carried.blobs).toBe(1);
    const imported = await airlock(['--home', site(), 'import', join(root, 'bundle-2')]);
    expect(imported.code, imported.stderr).toBe(0);
    expect((await readdir(published())).filter((f) => f.endsWith('.snap'))).toHaveLength(5);
  });

  it('refuses at export a download whose bytes differ from the store digest, and names unknown snaps and missing releases', async () => {
    store.corrupt.add('hello-app_10.snap');
    try {
      const bad = await airlockJson<{ error?: { code: string } }>(['--home', join(root, 'export-corrupt'), 'export', '-c', await writeConfig('airlock-c.yaml', ['{ name: hello-app }']), '-o', join(root, 'bundle-c')]);
      expect(bad.json.error?.code).toBe('DIGEST_MISMATCH');
    } finally {
      store.corrupt.delete('hello-app_10.snap');
    }
    const unknown = await airlockJson<{ error?: { code: string; message: string } }>(['--home', join(root, 'export-u'), 'export', '-c', await writeConfig('airlock-u.yaml', ['{ name: no-such-snap }']), '-o', join(root, 'bundle-u')]);
    expect(unknown.json.error?.code).toBe('SOURCE_NOT_FOUND');
    expect(unknown.json.error?.message).toContain('no-such-snap');
    const noRelease = await airlockJson<{ error?: { code: string; message: string } }>(['--home', join(root, 'export-r'), 'export', '-c', await writeConfig('airlock-r.yaml', ['{ name: tool-classic, channel: 2.0/stable }']), '-o', join(root, 'bundle-r')]);
    expect(noRelease.json.error?.code).toBe('SOURCE_NOT_FOUND');
    expect(noRelease.json.error?.message).toContain('1.0/stable (amd64)');
  });
});
