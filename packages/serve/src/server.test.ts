import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startServer } from './server.js';
import { publishDir, serve, servedTree } from './__tests__/fixture.js';
import { sampleFiles } from './__tests__/sample-files.js';

describe('server behaviour', () => {
  it('refuses methods other than GET and HEAD with 405 and Allow', async () => {
    const { server } = await servedTree(sampleFiles);
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const res = await fetch(`${server.url}notes.txt`, { method });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD');
      await res.arrayBuffer();
    }
  });

  it('hands POST only to a handler that lists it, and keeps the tree read-only', async () => {
    const publish = await publishDir();
    await publish.snapshot('1', { 'notes.txt': 'x' });
    await publish.switchTo('1');
    const seen: string[] = [];
    const api = Object.assign(
      async (req: IncomingMessage, res: ServerResponse) => {
        if (!req.url?.startsWith('/api/')) return false;
        seen.push(req.method ?? '');
        res.end('api');
        return true;
      },
      { methods: ['GET', 'POST'] },
    );
    const readOnly = async (req: IncomingMessage, res: ServerResponse) => {
      seen.push(`read-only:${req.method}`);
      res.end('ro');
      return req.url === '/ro';
    };
    const server = await startServer({ root: publish.current, host: '127.0.0.1', port: 0, handlers: [readOnly, api] });
    try {
      expect(await (await fetch(`${server.url}api/x`, { method: 'POST', body: '{}' })).text()).toBe('api');
      const tree = await fetch(`${server.url}notes.txt`, { method: 'POST' });
      expect(tree.status).toBe(405);
      await tree.arrayBuffer();
      expect(seen.filter((s) => s.startsWith('read-only:'))).not.toContain('read-only:POST');
    } finally {
      await server.close();
    }
  });

  it('answers 503 until something is published, then serves it', async () => {
    const publish = await publishDir();
    const server = await serve(publish.current);
    const before = await fetch(`${server.url}notes.txt`);
    expect(before.status).toBe(503);
    expect(await before.text()).toContain('nothing is published yet; run airlock import');
    await publish.snapshot('1', { 'notes.txt': 'now' });
    await publish.switchTo('1');
    expect(await (await fetch(`${server.url}notes.txt`)).text()).toBe('now');
  });

  it('follows a switch of the current symlink on the next request', async () => {
    const publish = await publishDir();
    await publish.snapshot('1', { 'dists/stable/Release': 'one', 'only-in-1': 'x' });
    await publish.snapshot('2', { 'dists/stable/Release': 'two' });
    await publish.switchTo('1');
    const server = await serve(publish.current);
    expect(await (await fetch(`${server.url}dists/stable/Release`)).text()).toBe('one');
    await publish.switchTo('2');
    expect(await (await fetch(`${server.url}dists/stable/Release`)).text()).toBe('two');
    expect((await fetch(`${server.url}only-in-1`)).status).toBe(404);
    await publish.switchTo('1');
    expect(await (await fetch(`${server.url}dists/stable/Release`)).text()).toBe('one');
  });

  it('finishes a response from the snapshot it started in', async () => {
    const publish = await publishDir();
    const big = Buffer.alloc(8 << 20, 0x31);
    await publish.snapshot('1', { 'big.img': big });
    await publish.snapshot('2', { 'big.img': Buffer.alloc(8 << 20, 0x32) });
    await publish.switchTo('1');
    const server = await serve(publish.current);
    const res = await fetch(`${server.url}big.img`);
    await publish.switchTo('2');
    await rm(join(publish.home, 'publish/snapshots/1'), { recursive: true });
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.equals(big)).toBe(true);
  });

  it('lets custom handlers answer first, in order', async () => {
    const publish = await publishDir();
    await publish.snapshot('1', { 'v2/index.json': 'file' });
    await publish.switchTo('1');
    const calls: string[] = [];
    const server = await serve(publish.current, [
      async (req) => {
        calls.push(`first ${req.url}`);
        return false;
      },
      async (req, res) => {
        if (!req.url?.startsWith('/v2/')) return false;
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('registry');
        return true;
      },
      async () => {
        throw new Error('never reached for /v2/');
      },
    ]);
    expect(await (await fetch(`${server.url}v2/index.json`)).text()).toBe('registry');
    expect(calls).toEqual(['first /v2/index.json']);
    expect((await fetch(`${server.url}other`)).status).toBe(500);
  });

  it('reports every request to onRequest with status and body bytes', async () => {
    const { server } = await servedTree(sampleFiles);
    await (await fetch(`${server.url}blob.bin`)).arrayBuffer();
    await (await fetch(`${server.url}blob.bin`, { method: 'HEAD' })).arrayBuffer();
    await (await fetch(`${server.url}missing`)).arrayBuffer();
    await new Promise((r) => setTimeout(r, 20));
    expect(server.log).toEqual([
      { method: 'GET', path: '/blob.bin', status: 200, bytes: 10 },
      { method: 'HEAD', path: '/blob.bin', status: 200, bytes: 0 },
      { method: 'GET', path: '/missing', status: 404, bytes: 10 },
    ]);
  });

  it('cuts a download that is still running after the close grace period', async () => {
    const publish = await publishDir();
    await publish.snapshot('1', { 'big.img': Buffer.alloc(64 << 20, 0x31) });
    await publish.switchTo('1');
    const server = await serve(publish.current);
    const res = await fetch(`${server.url}big.img`);
    const reader = res.body!.getReader();
    await reader.read(); // then stall, like a slow client
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(4000);
    expect(Date.now() - started).toBeLessThan(15_000);
    let cut: unknown;
    try {
      while (!(await reader.read()).done);
    } catch (err) {
      cut = err;
    }
    expect(cut, 'the body should have been cut, not completed').toBeDefined();
  });

  it('closes with keep-alive connections open', async () => {
    const { server } = await servedTree(sampleFiles);
    await (await fetch(`${server.url}notes.txt`)).text();
    const started = Date.now();
    await server.close();
    // An idle keep-alive socket would otherwise hold close() for the 5 s keep-alive timeout.
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(fetch(`${server.url}notes.txt`)).rejects.toThrow();
  });
});
