import { createServer, request, type Server } from 'node:http';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentProgress, type Signer } from '@airlock/core';
import { tempDir, testUpstreamTrust, DirVault } from '@airlock/test-utils';
import { CatalogFixture } from '../__tests__/catalog-fixture.js';
import { publishSnap } from '../publish.js';
import { createSnapStoreHandler } from './handler.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? (server.closeAllConnections(), server.close(() => r())) : r())));

async function serve(options: { publicUrl?: string } = {}): Promise<{ base: string; port: number; f: CatalogFixture }> {
  const f = new CatalogFixture();
  const catalog = f.catalog([['hello', 3], ['hello', 4]], [['hello', 3, 'latest/stable'], ['hello', 4, 'latest/edge']]);
  const vault = new DirVault(await tempDir());
  for (const bytes of f.files.values()) await vault.add(bytes);
  const root = await tempDir();
  await publishSnap(catalog, { sourceName: 'snaps', vault, progress: silentProgress, upstream: testUpstreamTrust({ anchors: f.anchors() }), staging: join(root, 's1'), siteSigner: {} as Signer });
  await symlink('s1', join(root, 'current'));
  const handler = createSnapStoreHandler(join(root, 'current'), options);
  server = createServer((req, res) => void handler(req, res).then((handled) => (handled ? undefined : res.writeHead(418).end())));
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { base: `http://127.0.0.1:${port}`, port, f };
}

const post = (base: string, body: string) => fetch(`${base}/snap/snaps/v2/snaps/refresh`, { method: 'POST', headers: { 'content-type': 'application/json', 'snap-device-architecture': 'amd64' }, body });

describe('snap store API handler', () => {
  it('falls back from a risk with no release to the next more stable one, and honours the channel asked', async () => {
    const { base } = await serve();
    const ask = async (channel: string) => ((await (await post(base, JSON.stringify({ actions: [{ action: 'install', 'instance-key': 'i', name: 'hello', channel }] }))).json()) as { results: Array<{ snap: { revision: number }; 'effective-channel': string }> }).results[0];
    expect(await ask('edge')).toMatchObject({ snap: { revision: 4 }, 'effective-channel': 'latest/edge' });
    expect(await ask('beta')).toMatchObject({ snap: { revision: 3 }, 'effective-channel': 'latest/stable' });
    expect(await ask('stable')).toMatchObject({ snap: { revision: 3 } });
  });

  it('answers fetch-assertions with stream URLs for newer assertions and not-found for unknown ones', async () => {
    const { base, f } = await serve();
    const snapId = f.revision('hello', 3).revision.snapId;
    const res = (await (await post(base, JSON.stringify({ actions: [{ action: 'fetch-assertions', key: 'g1', assertions: [{ type: 'snap-declaration', 'primary-key': ['16', snapId], 'if-newer-than': -1 }, { type: 'account', 'primary-key': ['nobody'] }] }] }))).json()) as { results: Array<Record<string, unknown>> };
    expect(res.results[0]).toMatchObject({ result: 'fetch-assertions', key: 'g1', 'assertion-stream-urls': [`${base}/snap/snaps/v2/assertions/snap-declaration/16/${snapId}`], 'error-list': [{ code: 'not-found', type: 'account', 'primary-key': ['nobody'] }] });
  });

  it('regression: download and assertion URLs ignored --public-url and always named the request Host', async () => {
    const { base } = await serve({ publicUrl: 'https://mirror.example.internal/airlock/' });
    const res = (await (await post(base, JSON.stringify({ actions: [{ action: 'install', 'instance-key': 'i', name: 'hello', channel: 'stable' }] }))).json()) as { results: Array<{ snap: { download: { url: string } } }> };
    expect(res.results[0]?.snap.download.url).toMatch(/^https:\/\/mirror\.example\.internal\/airlock\/snap\/snaps\/hello_3\.snap$/);
  });

  it('refuses a refresh body over 1 MiB without reading it, malformed JSON, and GET on the refresh path', async () => {
    const { base, port } = await serve();
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/snap/snaps/v2/snaps/refresh', headers: { 'content-length': String(8 << 20) } }, (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      req.write(Buffer.alloc(1024));
    });
    expect(status).toBe(413);
    expect((await post(base, '{not json')).status).toBe(400);
    expect((await fetch(`${base}/snap/snaps/v2/snaps/refresh`)).status).toBe(405);
    expect((await fetch(`${base}/snap/snaps/hello_3.snap`)).status).toBe(418); // downloads are the static tree's
    expect((await (await post(base.replace('/snap/snaps', ''), JSON.stringify({ actions: [] }))).json())).toEqual({ results: [], 'error-list': [] });
  });
});
