import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushPublication } from '@airlock/oci';
import { writeExporterKey } from './support/exporter-key.js';
import { requireTools } from '@airlock/test-utils';
import { buildImage, buildTwoPlatformIndex, freePort, remoteDigest, sh, skopeoPush, skopeoPushDocker, startRegistry, type RunningRegistry } from '../fixtures/oci/upstream.js';
import { AIRLOCK_BIN, airlock, airlockJson } from './support/cli.js';
import { runSnippet, siteDocument, snippet } from './support/site-config.js';

interface ExportJson {
  carried: { blobs: number; bytes?: number };
  error?: { code: string };
}

/** app2 reuses app's config + 3 layers; multi reuses dmulti's 2 configs + 2 layers (skopeo keeps them in the v2s2 conversion). */
const MOUNTED = 8;
/** Per repository: app 4, app2 4, dmulti 4, multi 4. */
const PRESENT = 16;
const stops: Array<() => Promise<void>> = [];
let root = '';
let layout = '';
let upstream: RunningRegistry;
let second: RunningRegistry;
let appDigest = '';

async function writeConfig(name: string, images: unknown[], extra: string[] = []): Promise<string> {
  const path = join(root, name);
  await writeFile(
    path,
    [
      'channel: oci-site',
      'signing:',
      '  key: keys/exporter.key',
      'volumes:',
      '  maxSize: 64MiB',
      'sources:',
      '  - type: oci',
      '    name: k8s',
      '    images:',
      ...images.map((i) => `      - ${JSON.stringify(i)}`),
      ...extra.map((l) => `    ${l}`),
      '',
    ].join('\n'),
  );
  return path;
}

function exportWith(config: string, out: string, home = join(root, 'export-home')): Promise<{ json: ExportJson; result: { code: number | null; stderr: string } }> {
  return airlockJson<ExportJson>(['--home', home, 'export', '-c', config, '-o', join(root, out)]);
}

/** Serves `airlock serve` for the site home; resolves with its host:port. */
async function serveSite(home: string): Promise<string> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [AIRLOCK_BIN, '--home', home, 'serve', '--listen', `127.0.0.1:${port}`], { stdio: 'ignore' });
  stops.push(async () => {
    child.kill('SIGTERM');
  });
  for (let i = 0; i < 100; i++) {
    if (await fetch(`http://127.0.0.1:${port}/v2/`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return `127.0.0.1:${port}`;
}

/**
 * The site page's container snippets, as real clients use them: skopeo's copy-by-digest and
 * podman's pull commands run as shown, and podman given the registries.conf entries resolves an
 * upstream name through the site. The upstream speaks plain HTTP, so pulling its name without
 * --tls-verify=false succeeds only through the insecure mirror; without the entries it fails.
 * (skopeo 1.9 ignores CONTAINERS_REGISTRIES_CONF; podman, on the same containers/image, reads it.)
 */
async function pageSnippetsWork(served: string): Promise<void> {
  const doc = await siteDocument(`http://${served}/`);
  const pulls = join(root, 'page-pulls');
  await mkdir(pulls, { recursive: true });
  const copy = snippet(doc, 'oci/k8s', 'skopeo-copy');
  expect(copy.text).toContain(`docker://${served}/acc/app@${appDigest} oci:app:1\n`);
  const copied = runSnippet(copy.text, pulls);
  expect(copied.status, copied.stderr).toBe(0);
  expect((await readdir(pulls)).sort()).toEqual(['app', 'app2', 'dmulti', 'multi']);
  const app = JSON.parse(await readFile(join(pulls, 'app', 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
  expect(app.manifests.map((m) => m.digest)).toEqual([appDigest]);

  const conf = snippet(doc, 'oci/k8s', 'registries-conf');
  expect(conf.text).toContain(`prefix = "${upstream.host}"`);
  const podmanEnv = async (name: string, registries: string): Promise<NodeJS.ProcessEnv> => {
    const dir = join(root, `podman-${name}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'storage.conf'), `[storage]\ndriver = "vfs"\ngraphroot = "${dir}/root"\nrunroot = "${dir}/run"\n`);
    await writeFile(join(dir, 'registries.conf'), registries);
    return { CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf'), CONTAINERS_REGISTRIES_CONF: join(dir, 'registries.conf') };
  };
  const mirrored = await podmanEnv('mirror', conf.text);
  const pulled = runSnippet(`podman pull -q ${upstream.host}/acc/app:1`, root, mirrored);
  expect(pulled.status, pulled.stderr).toBe(0);
  expect(runSnippet(`podman image inspect --format '{{.Digest}}' ${upstream.host}/acc/app:1`, root, mirrored).stdout.trim()).toBe(appDigest);
  expect(runSnippet(`podman pull -q ${upstream.host}/acc/app:1`, root, await podmanEnv('none', '')).status).not.toBe(0);

  const podmanPull = snippet(doc, 'oci/k8s', 'podman-pull');
  expect(podmanPull.text).toContain(`podman pull --tls-verify=false ${served}/acc/app:1\n`);
  const direct = runSnippet(podmanPull.text, root, await podmanEnv('direct', ''));
  expect(direct.status, direct.stderr).toBe(0);
  expect(snippet(doc, 'oci/k8s', `containerd-hosts-${upstream.host}`).text).toContain(`[host."http://${served}"]`);
}

/** A registry front that changes the bytes of one blob: the digest in the manifest no longer matches. */
async function corruptingProxy(target: string, badDigest: string): Promise<string> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      const upstreamRes = await fetch(`${target}${req.url ?? '/'}`, { method: req.method, headers: { accept: req.headers.accept ?? '*/*' } });
      const headers: Record<string, string> = {};
      upstreamRes.headers.forEach((v, k) => {
        if (k !== 'content-length' && k !== 'transfer-encoding' && k !== 'content-encoding') headers[k] = v;
      });
      let body = Buffer.from(await upstreamRes.arrayBuffer());
      if (req.url?.includes(`/blobs/${badDigest}`) && body.length > 0) {
        body = Buffer.from(body);
        body[body.length - 1] = (body[body.length - 1] ?? 0) ^ 0xff;
      }
      res.writeHead(upstreamRes.status, { ...headers, 'content-length': String(body.length) });
      res.end(req.method === 'HEAD' ? undefined : body);
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  stops.push(() => new Promise((r) => server.close(() => r())));
  return `127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** A token realm in front of the registry: /v2 needs a Bearer token, the realm wants basic credentials. */
async function tokenRealm(target: string): Promise<string> {
  const token = randomBytes(16).toString('hex');
  const server: Server = createServer((req, res) => {
    void (async () => {
      const host = req.headers.host ?? '';
      if (req.url?.startsWith('/token')) {
        const scope = new URL(req.url, 'http://x').searchParams.get('scope') ?? '';
        const ok = req.headers.authorization === `Basic ${Buffer.from('alice:s3cret').toString('base64')}` && scope.startsWith('repository:acc/');
        res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
        res.end(ok ? JSON.stringify({ token }) : '{}');
        return;
      }
      if (req.headers.authorization !== `Bearer ${token}`) {
        res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${host}/token",service="fixture"`, 'content-type': 'application/json' });
        res.end('{"errors":[{"code":"UNAUTHORIZED","message":"auth"}]}');
        return;
      }
      const upstreamRes = await fetch(`${target}${req.url ?? '/'}`, { method: req.method, headers: { accept: req.headers.accept ?? '*/*' } });
      const headers: Record<string, string> = {};
      upstreamRes.headers.forEach((v, k) => {
        if (k !== 'transfer-encoding' && k !== 'content-encoding') headers[k] = v;
      });
      res.writeHead(upstreamRes.status, headers);
      res.end(req.method === 'HEAD' ? undefined : Buffer.from(await upstreamRes.arrayBuffer()));
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  stops.push(() => new Promise((r) => server.close(() => r())));
  return `127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe.skipIf(!requireTools('docker-registry', 'umoci', 'skopeo', 'podman'))('oci: real docker-registry upstream → bundle → airlock serve / push (real skopeo)', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'airlock-oci-'));
    layout = join(root, 'layout');
    const work = join(root, 'work');
    await mkdir(work, { recursive: true });
    sh('umoci', ['init', '--layout', layout]);
    buildImage(layout, 'app', [0, 1, 2].map((i) => ({ name: `layer${i}`, bytes: randomBytes(48 * 1024) })), work);
    buildTwoPlatformIndex(layout, 'multi', work);
    upstream = await startRegistry(join(root, 'registry-a'));
    second = await startRegistry(join(root, 'registry-b'));
    stops.push(upstream.stop, second.stop);
    skopeoPush(layout, 'app', `${upstream.host}/acc/app:1`);
    skopeoPush(layout, 'app', `${upstream.host}/acc/app2:1`);
    skopeoPush(layout, 'multi', `${upstream.host}/acc/multi:1`);
    skopeoPush(layout, 'multi', `${upstream.host}/acc/multi:2`);
    skopeoPushDocker(layout, 'multi', `${upstream.host}/acc/dmulti:1`);
    appDigest = remoteDigest(`${upstream.host}/acc/app:1`);
    await writeExporterKey(join(root, 'keys'), 'oci test exporter');
  });

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('round-trips: skopeo pulls the same digests from airlock serve and from a registry it pushed to', async () => {
    const config = await writeConfig('airlock.yaml', [`${upstream.host}/acc/app:1@${appDigest}`, `${upstream.host}/acc/app2:1`, `${upstream.host}/acc/dmulti:1`, { image: `${upstream.host}/acc/multi`, tags: '[0-9]+' }]);
    const exported = await exportWith(config, 'bundle-1');
    expect(exported.result.code, exported.result.stderr).toBe(0);
    const site = join(root, 'site');
    expect((await airlock(['--home', site, 'trust', 'add', join(root, 'keys', 'exporter.pub.asc')])).code).toBe(0);
    const imported = await airlockJson<{ pushed?: { blobsUploaded: number; blobsMounted: number } }>(['--home', site, 'import', join(root, 'bundle-1'), '--registry', second.host]);
    expect(imported.result.code, imported.result.stderr).toBe(0);
    expect(imported.json.pushed?.blobsUploaded).toBeGreaterThan(0);
    // acc/app2 shares config and 3 layers with acc/app; acc/multi shares its layers with acc/dmulti (pushed first)
    expect(imported.json.pushed?.blobsMounted).toBe(MOUNTED);
    const again = await pushPublication(join(site, 'publish', 'current'), second.host);
    expect([again.blobsUploaded, again.blobsMounted, again.blobsPresent]).toEqual([0, 0, PRESENT]); // HEAD finds every blob of every repository

    const index = JSON.parse(await readFile(join(site, 'publish', 'current', 'oci', 'k8s', 'index.json'), 'utf8')) as { manifests: Array<{ annotations: Record<string, string> }> };
    expect(index.manifests.map((m) => m.annotations['org.opencontainers.image.ref.name']).sort()).toEqual(['acc/app2:1', 'acc/app:1', 'acc/dmulti:1', 'acc/multi:1', 'acc/multi:2']);

    const served = await serveSite(site);
    await pageSnippetsWork(served);
    const multiIndex = JSON.parse(sh('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${upstream.host}/acc/multi:1`])) as { manifests: Array<{ digest: string }> };
    expect(multiIndex.manifests).toHaveLength(2);
    const dockerList = JSON.parse(sh('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${upstream.host}/acc/dmulti:1`])) as { mediaType: string; manifests: Array<{ digest: string }> };
    expect(dockerList.mediaType).toBe('application/vnd.docker.distribution.manifest.list.v2+json');
    const listHead = await fetch(`http://${served}/v2/acc/dmulti/manifests/1`, { method: 'HEAD' });
    expect(listHead.headers.get('content-type')).toBe(dockerList.mediaType);
    expect(listHead.headers.get('docker-content-digest')).toBe(remoteDigest(`${upstream.host}/acc/dmulti:1`));
    for (const registry of [served, second.host]) {
      for (const ref of ['acc/app:1', 'acc/app2:1', 'acc/dmulti:1', 'acc/multi:1', 'acc/multi:2']) expect(remoteDigest(`${registry}/${ref}`)).toBe(remoteDigest(`${upstream.host}/${ref}`));
      for (const child of multiIndex.manifests) expect(remoteDigest(`${registry}/acc/multi@${child.digest}`)).toBe(child.digest);
      for (const child of dockerList.manifests) expect(remoteDigest(`${registry}/acc/dmulti@${child.digest}`)).toBe(child.digest);
      const out = join(root, `pulled-${registry.replace(/[^0-9]/g, '')}`);
      sh('skopeo', ['copy', '--all', '--preserve-digests', '--src-tls-verify=false', `docker://${registry}/acc/multi:1`, `oci:${out}:m`]);
      sh('skopeo', ['copy', '--preserve-digests', '--src-tls-verify=false', `docker://${registry}/acc/app:1`, `oci:${out}:a`]);
      const pulled = JSON.parse(await readFile(join(out, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
      expect(pulled.manifests.map((m) => m.digest).sort()).toEqual([appDigest, remoteDigest(`${upstream.host}/acc/multi:1`)].sort());
    }
    const tags = JSON.parse(sh('skopeo', ['list-tags', '--tls-verify=false', `docker://${served}/acc/multi`])) as { Tags: string[] };
    expect(tags.Tags).toEqual(['1', '2']);
    const page = await fetch(`http://${served}/v2/acc/multi/tags/list?n=1`);
    expect(await page.json()).toEqual({ name: 'acc/multi', tags: ['1'] });
    expect(page.headers.get('link')).toContain('last=1');
    const missing = await fetch(`http://${served}/v2/acc/nope/manifests/1`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { errors: Array<{ code: string }> }).errors[0]?.code).toBe('NAME_UNKNOWN');

    // Incremental: one new layer on app:1 upstream ships that layer, its config and the new manifest (plus the catalog).
    const work = join(root, 'work');
    await writeFile(join(work, 'extra'), randomBytes(40 * 1024));
    sh('umoci', ['insert', '--image', `${layout}:app`, join(work, 'extra'), '/data/extra']);
    skopeoPush(layout, 'app', `${upstream.host}/acc/app:1`);
    const unpinned = await writeConfig('airlock-2.yaml', [`${upstream.host}/acc/app:1`, { image: `${upstream.host}/acc/multi`, tags: '[0-9]+' }]);
    const incremental = await exportWith(unpinned, 'bundle-2');
    expect(incremental.result.code, incremental.result.stderr).toBe(0);
    expect(incremental.json.carried.blobs).toBe(4);
    expect((await airlock(['--home', site, 'import', join(root, 'bundle-2')])).code).toBe(0);
    expect(remoteDigest(`${served}/acc/app:1`)).toBe(remoteDigest(`${upstream.host}/acc/app:1`));

    // The pin no longer matches upstream: refused, nothing written.
    const pinned = await exportWith(config, 'bundle-pinned');
    expect(pinned.result.code).not.toBe(0);
    expect(pinned.json.error?.code).toBe('DIGEST_MISMATCH');
    expect(await readdir(join(root, 'bundle-pinned')).catch(() => [])).toEqual([]);
  });

  it('gets a bearer token from the realm with credentials from a docker config file', async () => {
    const front = await tokenRealm(upstream.url);
    const auth = join(root, 'docker-config.json');
    await writeFile(auth, JSON.stringify({ auths: { [front]: { auth: Buffer.from('alice:s3cret').toString('base64') } } }));
    const config = await writeConfig('airlock-token.yaml', [`${front}/acc/multi:1`], ['platforms: [linux/arm64]', 'auth: {file: docker-config.json}']);
    const exported = await exportWith(config, 'bundle-token', join(root, 'token-home'));
    expect(exported.result.code, exported.result.stderr).toBe(0);
    // index + the arm64 manifest + its config and one layer + the catalog
    expect(exported.json.carried.blobs).toBe(5);

    await writeFile(auth, JSON.stringify({ auths: { [front]: { auth: Buffer.from('alice:wrong').toString('base64') } } }));
    const refused = await exportWith(config, 'bundle-token-2', join(root, 'token-home-2'));
    expect(refused.json.error?.code).toBe('HTTP_STATUS');
  });

  it('refuses an upstream blob whose bytes do not match its digest, writing no bundle', async () => {
    const manifest = JSON.parse(sh('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${upstream.host}/acc/app:1`])) as { layers: Array<{ digest: string }> };
    const bad = manifest.layers[0]?.digest as string;
    const front = await corruptingProxy(upstream.url, bad);
    const config = await writeConfig('airlock-corrupt.yaml', [`${front}/acc/app:1`]);
    const exported = await exportWith(config, 'bundle-corrupt', join(root, 'corrupt-home'));
    expect(exported.result.code).not.toBe(0);
    expect(exported.json.error?.code).toBe('DIGEST_MISMATCH');
    expect((await readdir(join(root, 'bundle-corrupt')).catch(() => [])).filter((n) => n.endsWith('.manifest.json'))).toEqual([]);
  });

  it('refuses a bundle whose catalog names a blob the site does not hold, and keeps the current publication', async () => {
    const home = join(root, 'missing-export');
    const site = join(root, 'missing-site');
    const first = await exportWith(await writeConfig('airlock-m1.yaml', [`${upstream.host}/acc/app2:1`]), 'bundle-m1', home);
    expect(first.result.code, first.result.stderr).toBe(0);
    await airlock(['--home', site, 'trust', 'add', join(root, 'keys', 'exporter.pub.asc')]);
    expect((await airlock(['--home', site, 'import', join(root, 'bundle-m1')])).code).toBe(0);
    const before = JSON.parse(await readFile(join(site, 'publish', 'current', 'airlock-publication.json'), 'utf8')) as { snapshot: string };

    // The second bundle's catalog still names app2's layers (shipped before) but the vault lost one.
    const manifest = JSON.parse(sh('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${upstream.host}/acc/app2:1`])) as { layers: Array<{ digest: string }> };
    const lost = sh('find', [join(site, 'vault'), '-type', 'f', '-name', `*${manifest.layers[1]?.digest.slice(7)}*`]).trim().split('\n').filter(Boolean);
    expect(lost.length).toBeGreaterThan(0);
    for (const file of lost) await rm(file);
    const second = await exportWith(await writeConfig('airlock-m2.yaml', [`${upstream.host}/acc/app2:1`, `${upstream.host}/acc/multi:1`]), 'bundle-m2', home);
    expect(second.result.code, second.result.stderr).toBe(0);
    const refused = await airlockJson<{ error?: { code: string } }>(['--home', site, 'import', join(root, 'bundle-m2')]);
    expect(refused.result.code).not.toBe(0);
    expect(refused.json.error?.code).toBe('BLOB_MISSING');
    const after = JSON.parse(await readFile(join(site, 'publish', 'current', 'airlock-publication.json'), 'utf8')) as { snapshot: string };
    expect(after.snapshot).toBe(before.snapshot);
  });
});
