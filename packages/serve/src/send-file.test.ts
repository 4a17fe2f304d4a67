import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { servedTree } from './__tests__/fixture.js';
import { sampleFiles } from './__tests__/sample-files.js';

describe('serving files', () => {
  it('answers GET and HEAD with length, validators and range support', async () => {
    const { server } = await servedTree(sampleFiles);
    const get = await fetch(`${server.url}blob.bin`);
    expect(get.status).toBe(200);
    expect(await get.text()).toBe('0123456789');
    expect(get.headers.get('content-length')).toBe('10');
    expect(get.headers.get('accept-ranges')).toBe('bytes');
    expect(get.headers.get('etag')).toMatch(/^"[0-9a-f-]+"$/);
    expect(Date.parse(get.headers.get('last-modified') ?? '')).not.toBeNaN();
    const head = await fetch(`${server.url}blob.bin`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('10');
    expect(await head.text()).toBe('');
  });

  it('sets the content type by extension', async () => {
    const { server } = await servedTree(sampleFiles);
    const expected: Record<string, string> = {
      'index.json': 'application/json',
      'streams/v1/index.sjson': 'application/json',
      'keys/site.asc': 'text/plain; charset=utf-8',
      'keys/site.gpg': 'application/pgp-keys',
      'README.md': 'text/plain; charset=utf-8',
      'notes.txt': 'text/plain; charset=utf-8',
      'a.gz': 'application/gzip',
      'a.xz': 'application/x-xz',
      'a.zst': 'application/zstd',
      'pool/h/hello_1.0_amd64.deb': 'application/vnd.debian.binary-package',
      'Packages/hello.rpm': 'application/x-rpm',
      'repodata/repomd.xml': 'application/xml',
      'page.html': 'text/html',
      'layer.tar': 'application/x-tar',
      'blob.bin': 'application/octet-stream',
    };
    for (const [path, type] of Object.entries(expected)) {
      const res = await fetch(server.url + path);
      expect(res.headers.get('content-type'), path).toBe(type);
      await res.arrayBuffer();
    }
  });

  it('serves single byte ranges and refuses unsatisfiable ones', async () => {
    const { server } = await servedTree(sampleFiles);
    const mid = await fetch(`${server.url}blob.bin`, { headers: { Range: 'bytes=2-5' } });
    expect(mid.status).toBe(206);
    expect(mid.headers.get('content-range')).toBe('bytes 2-5/10');
    expect(await mid.text()).toBe('2345');
    const suffix = await fetch(`${server.url}blob.bin`, { headers: { Range: 'bytes=-3' } });
    expect(await suffix.text()).toBe('789');
    const open = await fetch(`${server.url}blob.bin`, { headers: { Range: 'bytes=8-' } });
    expect(await open.text()).toBe('89');
    const beyond = await fetch(`${server.url}blob.bin`, { headers: { Range: 'bytes=10-20' } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe('bytes */10');
    await beyond.arrayBuffer();
    const multi = await fetch(`${server.url}blob.bin`, { headers: { Range: 'bytes=0-1,4-5' } });
    expect(multi.status).toBe(200);
    expect(await multi.text()).toBe('0123456789');
  });

  it('ignores a Range whose If-Range names another version', async () => {
    const { server } = await servedTree(sampleFiles);
    const res = await fetch(`${server.url}blob.bin`, { headers: { Range: 'bytes=0-1', 'If-Range': '"stale"' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('0123456789');
  });

  it('answers 304 to a matching If-None-Match or If-Modified-Since', async () => {
    const { publish, server } = await servedTree(sampleFiles);
    const first = await fetch(`${server.url}notes.txt`);
    await first.arrayBuffer();
    const etag = first.headers.get('etag')!;
    const again = await fetch(`${server.url}notes.txt`, { headers: { 'If-None-Match': `"other", ${etag}` } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const other = await fetch(`${server.url}notes.txt`, { headers: { 'If-None-Match': '"other"' } });
    expect(other.status).toBe(200);
    await other.arrayBuffer();
    await utimes(join(publish.home, 'publish/snapshots/1/notes.txt'), new Date('2020-01-01'), new Date('2020-01-01'));
    const since = await fetch(`${server.url}notes.txt`, { headers: { 'If-Modified-Since': new Date('2021-01-01').toUTCString() } });
    expect(since.status).toBe(304);
    const changed = await fetch(`${server.url}notes.txt`, { headers: { 'If-None-Match': etag } });
    expect(changed.status).toBe(200);
    await changed.arrayBuffer();
  });
});
