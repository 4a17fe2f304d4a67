import { createHash, randomBytes } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Digest } from '@airlock/core';
import { expectCode, tempDir } from '@airlock/test-utils';
import { sendBytes } from './__tests__/http-fixture.js';
import { fetcher, server } from './__tests__/test-resources.js';

const body = randomBytes(1 << 20);
const digest = sha256Digest(body);
const sha3 = createHash('sha3-384').update(body).digest('hex');

describe('download', () => {
  it('downloads, verifies and reports the digest, leaving no partial file', async () => {
    const s = await server((req, res, srv) => sendBytes(req, res, srv, body));
    const dir = await tempDir();
    const dest = join(dir, 'out.bin');
    let progressed = 0;
    const result = await fetcher().download(`${s.origin}/f`, dest, { expected: { digest, size: body.length }, onProgress: (n) => (progressed += n) });
    expect(result).toEqual({ digest, size: body.length });
    expect((await readFile(dest)).equals(body)).toBe(true);
    expect(progressed).toBe(body.length);
    expect(await readdir(dir)).toEqual(['out.bin']);
  });

  it('learns the digest when none is expected', async () => {
    const s = await server((req, res, srv) => sendBytes(req, res, srv, body));
    const dest = join(await tempDir(), 'out.bin');
    expect(await fetcher().download(`${s.origin}/f`, dest)).toEqual({ digest, size: body.length });
  });

  it('resumes with a Range request after the connection drops mid-body', async () => {
    const s = await server((req, res, srv) => sendBytes(req, res, srv, body, { etag: '"v1"', cutAfter: srv.requests.length === 1 ? body.length / 2 : undefined }));
    const dest = join(await tempDir(), 'out.bin');
    await fetcher().download(`${s.origin}/f`, dest, { expected: { digest } });
    expect((await readFile(dest)).equals(body)).toBe(true);
    expect(s.requests).toHaveLength(2);
    expect(s.requests[1]?.headers.range).toMatch(/^bytes=[1-9]\d*-$/);
    expect(s.requests[1]?.headers['if-range']).toBe('"v1"');
    expect(s.bytesServed).toBeLessThan(1.5 * body.length);
  });

  it('keeps every byte that arrived before a connection broke and resumes after them (regression: the failed response dropped its buffered bytes)', async () => {
    const half = body.length / 2;
    const s = await server((req, res, srv) => {
      if (srv.requests.length > 1) return sendBytes(req, res, srv, body, { etag: '"v1"' });
      res.writeHead(200, { 'content-length': body.length, etag: '"v1"' });
      res.write(body.subarray(0, half), () => res.socket?.end());
    });
    const dest = join(await tempDir(), 'out.bin');
    await fetcher().download(`${s.origin}/f`, dest, { expected: { digest, size: body.length } });
    expect((await readFile(dest)).equals(body)).toBe(true);
    expect(s.requests[1]?.headers.range).toBe(`bytes=${half}-`);
  });

  it('keeps the received bytes of a small file whose connection broke at once (regression: the failed copy dropped bytes not yet written)', async () => {
    const small = body.subarray(0, 6000);
    const dir = await tempDir();
    for (let i = 0; i < 5; i++) {
      // Every odd request is cut right after 2400 bytes, in the same packet as the end of the connection.
      const s = await server((req, res, srv) => {
        if (srv.requests.length % 2 === 0) return sendBytes(req, res, srv, small, { etag: '"v1"' });
        res.writeHead(200, { 'content-length': small.length, etag: '"v1"' });
        res.write(small.subarray(0, 2400));
        res.socket?.end();
      });
      const dest = join(dir, `out-${i}.bin`);
      await fetcher().download(`${s.origin}/f`, dest, { expected: { digest: sha256Digest(small), size: small.length } });
      expect((await readFile(dest)).equals(small)).toBe(true);
      expect(s.requests[1]?.headers.range).toBe('bytes=2400-');
    }
  });

  it('resumes without a pinned digest when the same URL gives a validator', async () => {
    const s = await server((req, res, srv) => sendBytes(req, res, srv, body, { etag: '"v1"', cutAfter: srv.requests.length === 1 ? body.length / 2 : undefined }));
    const dest = join(await tempDir(), 'out.bin');
    expect(await fetcher().download(`${s.origin}/f`, dest)).toEqual({ digest, size: body.length });
    expect(s.requests[1]?.headers.range).toBeDefined();
  });

  it('starts over when the server ignores Range and answers 200', async () => {
    const s = await server((req, res, srv) => sendBytes(req, res, srv, body, { ignoreRange: true, cutAfter: srv.requests.length === 1 ? body.length / 3 : undefined }));
    const dest = join(await tempDir(), 'out.bin');
    expect(await fetcher().download(`${s.origin}/f`, dest, { expected: { digest } })).toEqual({ digest, size: body.length });
    expect((await readFile(dest)).equals(body)).toBe(true);
    expect(s.requests[1]?.headers.range).toBeDefined();
  });

  it('refuses a wrong digest and removes every trace of the body', async () => {
    const s = await server((req, res, srv) => sendBytes(req, res, srv, body));
    const dir = await tempDir();
    const wrong = sha256Digest('something else');
    await expectCode(fetcher().download(`${s.origin}/f`, join(dir, 'out.bin'), { expected: { digest: wrong } }), 'DIGEST_MISMATCH');
    expect(await readdir(dir)).toEqual([]);
    expect(s.requests).toHaveLength(1);
  });

  it('refuses a declared Content-Length above the expected size before reading the body', async () => {
    const s = await server((req, res, srv) => sendBytes(req, res, srv, body));
    const dir = await tempDir();
    await expectCode(fetcher().download(`${s.origin}/f`, join(dir, 'out.bin'), { expected: { size: 1000 } }), 'SIZE_MISMATCH');
    expect(await readdir(dir)).toEqual([]);
  });

  it('stops with SIZE_MISMATCH as soon as an undeclared body outgrows the expected size', async () => {
    const s = await server((_req, res, srv) => {
      res.writeHead(200); // chunked: no Content-Length to refuse early
      srv.bytesServed += body.length;
      res.end(body);
    });
    const dir = await tempDir();
    await expectCode(fetcher().download(`${s.origin}/f`, join(dir, 'out.bin'), { expected: { size: 1000 } }), 'SIZE_MISMATCH');
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails with HTTP_STATUS after exactly one request on 404', async () => {
    const s = await server((_req, res) => res.writeHead(404).end());
    await expectCode(fetcher().download(`${s.origin}/missing`, join(await tempDir(), 'x'), { expected: { digest } }), 'HTTP_STATUS');
    expect(s.requests).toHaveLength(1);
  });

  it('falls back to the next URL when the first answers 404', async () => {
    const s = await server((req, res, srv) => (req.url === '/good' ? sendBytes(req, res, srv, body) : res.writeHead(404).end()));
    const dest = join(await tempDir(), 'out.bin');
    await fetcher().download([`${s.origin}/gone`, `${s.origin}/good`], dest, { expected: { digest } });
    expect((await readFile(dest)).equals(body)).toBe(true);
    expect(s.hits('/gone')).toHaveLength(1);
  });

  it('moves to the next mirror after a digest mismatch', async () => {
    const s = await server((req, res, srv) => sendBytes(req, res, srv, req.url === '/bad' ? randomBytes(body.length) : body));
    const dest = join(await tempDir(), 'out.bin');
    await fetcher().download([`${s.origin}/bad`, `${s.origin}/good`], dest, { expected: { digest } });
    expect((await readFile(dest)).equals(body)).toBe(true);
  });

  it('retries 503 and then succeeds', async () => {
    const s = await server((req, res, srv) => (srv.requests.length <= 2 ? res.writeHead(503).end() : sendBytes(req, res, srv, body)));
    await fetcher().download(`${s.origin}/f`, join(await tempDir(), 'out.bin'), { expected: { digest } });
    expect(s.requests).toHaveLength(3);
  });

  it('follows redirects', async () => {
    const s = await server((req, res, srv) => {
      if (req.url === '/a') res.writeHead(302, { location: '/b' }).end();
      else if (req.url === '/b') res.writeHead(301, { location: `${srv.origin}/file` }).end();
      else sendBytes(req, res, srv, body);
    });
    const dest = join(await tempDir(), 'out.bin');
    await fetcher().download(`${s.origin}/a`, dest, { expected: { digest } });
    expect(s.requests.map((r) => r.url)).toEqual(['/a', '/b', '/file']);
  });

  it('returns at once when dest already holds the expected content', async () => {
    const s = await server((req, res, srv) => sendBytes(req, res, srv, body));
    const dest = join(await tempDir(), 'out.bin');
    await writeFile(dest, body);
    expect(await fetcher().download(`${s.origin}/f`, dest, { expected: { digest } })).toEqual({ digest, size: body.length });
    expect(s.requests).toHaveLength(0);
  });

  it('replaces a dest whose content is wrong', async () => {
    const s = await server((req, res, srv) => sendBytes(req, res, srv, body));
    const dest = join(await tempDir(), 'out.bin');
    await writeFile(dest, 'stale');
    await fetcher().download(`${s.origin}/f`, dest, { expected: { digest } });
    expect((await readFile(dest)).equals(body)).toBe(true);
  });

  it('finishes across two fetchers after the first server died mid-body', async () => {
    const dir = await tempDir();
    const dest = join(dir, 'out.bin');
    const dying = await server((req, res, srv) => {
      srv.stopListening();
      sendBytes(req, res, srv, body, { cutAfter: body.length / 2 });
    });
    await expectCode(fetcher({ retries: 1, backoffMs: 5, maxBackoffMs: 10 }).download(`${dying.origin}/f`, dest, { expected: { digest } }), 'FETCH_FAILED');
    expect((await readdir(dir)).sort()).toEqual(['out.bin.partial', 'out.bin.partial.json']);

    const healthy = await server((req, res, srv) => sendBytes(req, res, srv, body));
    await fetcher().download(`${healthy.origin}/f`, dest, { expected: { digest } });
    expect((await readFile(dest)).equals(body)).toBe(true);
    expect(healthy.requests).toHaveLength(1);
    expect(healthy.requests[0]?.headers.range).toMatch(/^bytes=[1-9]\d*-$/);
    expect(healthy.bytesServed).toBeLessThan(body.length);
    expect(await readdir(dir)).toEqual(['out.bin']);
  });

  it('starts over after 416 for a partial file longer than the upstream file', async () => {
    const s = await server((req, res, srv) => sendBytes(req, res, srv, body));
    const dir = await tempDir();
    const dest = join(dir, 'out.bin');
    await writeFile(`${dest}.partial`, randomBytes(body.length + 10));
    await fetcher().download(`${s.origin}/f`, dest, { expected: { digest } });
    expect((await readFile(dest)).equals(body)).toBe(true);
    expect(s.requests.map((r) => r.headers.range)).toEqual([`bytes=${body.length + 10}-`, undefined]);
  });

  it('commits a complete partial file when the server answers 416 for its end', async () => {
    const s = await server((req, res, srv) => sendBytes(req, res, srv, body));
    const dest = join(await tempDir(), 'out.bin');
    await writeFile(`${dest}.partial`, body);
    await fetcher().download(`${s.origin}/f`, dest, { expected: { digest } });
    expect((await readFile(dest)).equals(body)).toBe(true);
    expect(s.requests.map((r) => r.headers.range)).toEqual([`bytes=${body.length}-`]);
  });

  it('gives a URL one clean try when a resumed stale partial spoils the digest', async () => {
    const s = await server((req, res, srv) => sendBytes(req, res, srv, body));
    const dir = await tempDir();
    const dest = join(dir, 'out.bin');
    await writeFile(`${dest}.partial`, randomBytes(1000));
    await fetcher().download(`${s.origin}/f`, dest, { expected: { digest } });
    expect((await readFile(dest)).equals(body)).toBe(true);
    expect(s.requests.map((r) => r.headers.range)).toEqual(['bytes=1000-', undefined]);
  });

  it('does not resume an unpinned partial file without a validator from the same URL', async () => {
    const s = await server((req, res, srv) => sendBytes(req, res, srv, body));
    const dest = join(await tempDir(), 'out.bin');
    await writeFile(`${dest}.partial`, randomBytes(1000));
    expect(await fetcher().download(`${s.origin}/f`, dest)).toEqual({ digest, size: body.length });
    expect(s.requests[0]?.headers.range).toBeUndefined();
  });

  it('commits a complete partial file left by a crash without any request', async () => {
    const s = await server((req, res, srv) => sendBytes(req, res, srv, body));
    const dest = join(await tempDir(), 'out.bin');
    await writeFile(`${dest}.partial`, body);
    await fetcher().download(`${s.origin}/f`, dest, { expected: { digest, size: body.length } });
    expect((await readFile(dest)).equals(body)).toBe(true);
    expect(s.requests).toHaveLength(0);
  });

  describe('alsoHash: further digests over the same bytes, with no second read', () => {
    it('computes them while the body arrives', async () => {
      const s = await server((req, res, srv) => sendBytes(req, res, srv, body));
      const dest = join(await tempDir(), 'out.bin');
      expect(await fetcher().download(`${s.origin}/f`, dest, { alsoHash: ['sha3-384'] })).toEqual({ digest, size: body.length, also: { 'sha3-384': sha3 } });
    });

    it('covers the resumed prefix of a download whose connection dropped mid-body', async () => {
      const s = await server((req, res, srv) => sendBytes(req, res, srv, body, { etag: '"v1"', cutAfter: srv.requests.length === 1 ? body.length / 2 : undefined }));
      const dest = join(await tempDir(), 'out.bin');
      const result = await fetcher().download(`${s.origin}/f`, dest, { expected: { digest }, alsoHash: ['sha3-384', 'sha512'] });
      expect(s.requests[1]?.headers.range).toMatch(/^bytes=[1-9]\d*-$/);
      expect(result.also).toEqual({ 'sha3-384': sha3, sha512: createHash('sha512').update(body).digest('hex') });
    });

    it('gives them for a complete partial file left by a crash and for a dest that already holds the content', async () => {
      const s = await server((req, res, srv) => sendBytes(req, res, srv, body));
      const dest = join(await tempDir(), 'out.bin');
      await writeFile(`${dest}.partial`, body);
      expect((await fetcher().download(`${s.origin}/f`, dest, { expected: { digest, size: body.length }, alsoHash: ['sha3-384'] })).also).toEqual({ 'sha3-384': sha3 });
      expect((await fetcher().download(`${s.origin}/f`, dest, { expected: { digest }, alsoHash: ['sha3-384'] })).also).toEqual({ 'sha3-384': sha3 });
      expect(s.requests).toHaveLength(0);
    });
  });
});
