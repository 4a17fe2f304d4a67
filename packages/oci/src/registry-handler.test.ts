import { createServer, type Server } from 'node:http';
import { symlink, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256Digest } from '@airlock/core';
import { tempDir } from '@airlock/test-utils';
import { makeSiteFixture, publishFixture, type SiteFixture } from './__tests__/site-fixture.js';
import { OCI_INDEX, OCI_MANIFEST } from './media-types.js';
import { createRegistryHandler } from './registry-handler.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function serve(): Promise<{ base: string; f: SiteFixture; root: string; current: string }> {
  const root = await tempDir();
  const f = await makeSiteFixture(root);
  await publishFixture(f, join(root, 'snap-1'));
  const current = join(root, 'current');
  await symlink('snap-1', current);
  const handler = createRegistryHandler(current);
  server = createServer((req, res) => {
    void handler(req, res).then((handled) => {
      if (!handled) res.writeHead(418).end();
    });
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${(server.address() as { port: number }).port}`, f, root, current };
}

describe('registry pull API over the published layout', () => {
  it('answers /v2/ and leaves other paths to the next handler', async () => {
    const { base } = await serve();
    const v2 = await fetch(`${base}/v2/`);
    expect(v2.status).toBe(200);
    expect(v2.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    expect((await fetch(`${base}/oci/k8s/index.json`)).status).toBe(418);
  });

  it('serves manifests by tag and digest with stored type, length and digest; HEAD has no body', async () => {
    const { base, f } = await serve();
    for (const ref of ['latest', f.index.digest]) {
      const res = await fetch(`${base}/v2/acc/multi/manifests/${ref}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(OCI_INDEX);
      expect(res.headers.get('docker-content-digest')).toBe(f.index.digest);
      expect(Number(res.headers.get('content-length'))).toBe(f.index.bytes.length);
      expect(sha256Digest(Buffer.from(await res.arrayBuffer()))).toBe(f.index.digest);
    }
    const child = await fetch(`${base}/v2/acc/multi/manifests/${f.image.digest}`, { method: 'HEAD' });
    expect(child.status).toBe(200);
    expect(child.headers.get('content-type')).toBe(OCI_MANIFEST);
    expect(await child.text()).toBe('');
  });

  it('answers spec errors: unknown repository, manifest, blob, and a manifest of another repository', async () => {
    const { base, f } = await serve();
    const code = async (path: string): Promise<[number, string | undefined]> => {
      const res = await fetch(`${base}${path}`);
      const body = (await res.json()) as { errors: Array<{ code: string }> };
      return [res.status, body.errors[0]?.code];
    };
    expect(await code('/v2/acc/nope/manifests/1')).toEqual([404, 'NAME_UNKNOWN']);
    expect(await code('/v2/acc/app/manifests/2')).toEqual([404, 'MANIFEST_UNKNOWN']);
    expect(await code(`/v2/acc/app/manifests/${f.index.digest}`)).toEqual([404, 'MANIFEST_UNKNOWN']);
    expect(await code(`/v2/acc/app/blobs/${sha256Digest('x')}`)).toEqual([404, 'BLOB_UNKNOWN']);
    expect(await code('/v2/acc/app/blobs/md5:00')).toEqual([400, 'DIGEST_INVALID']);
    expect(await code('/v2/ACC/app/tags/list')).toEqual([400, 'NAME_INVALID']);
    expect(await code('/v2/acc/%E0%A4%A/manifests/1')).toEqual([400, 'NAME_INVALID']);
    expect(await code('/v2/acc/app/referrers/x')).toEqual([404, 'UNSUPPORTED']);
  });

  it('serves blobs whole and by Range, and 416 past the end', async () => {
    const { base, f } = await serve();
    const whole = await fetch(`${base}/v2/acc/app/blobs/${f.layer.digest}`);
    expect(whole.headers.get('docker-content-digest')).toBe(f.layer.digest);
    expect(Buffer.from(await whole.arrayBuffer()).equals(f.layer.bytes)).toBe(true);
    const part = await fetch(`${base}/v2/acc/app/blobs/${f.layer.digest}`, { headers: { Range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-19/${f.layer.bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(f.layer.bytes.subarray(10, 20))).toBe(true);
    const past = await fetch(`${base}/v2/acc/app/blobs/${f.layer.digest}`, { headers: { Range: `bytes=${f.layer.bytes.length}-` } });
    expect(past.status).toBe(416);
  });

  it('paginates tags/list with n and last', async () => {
    const { base } = await serve();
    const all = await fetch(`${base}/v2/acc/multi/tags/list`);
    expect(await all.json()).toEqual({ name: 'acc/multi', tags: ['latest'] });
    const none = await fetch(`${base}/v2/acc/multi/tags/list?n=1&last=latest`);
    expect(await none.json()).toEqual({ name: 'acc/multi', tags: [] });
  });

  it('follows the current symlink when the publication switches', async () => {
    const { base, root, current } = await serve();
    expect((await fetch(`${base}/v2/acc/app/manifests/1`)).status).toBe(200);
    await symlink(join(root, 'empty'), join(root, 'next'));
    await rename(join(root, 'next'), current);
    expect((await fetch(`${base}/v2/acc/app/manifests/1`)).status).toBe(404);
  });
});
