import { connect } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { expectCode } from '@airlock/test-utils';
import { fetcher, quick, server } from './__tests__/test-resources.js';

describe('getBytes', () => {
  it('returns the body', async () => {
    const s = await server((_req, res) => res.end('hello'));
    expect((await fetcher().getBytes(`${s.origin}/x`)).toString()).toBe('hello');
  });

  it('sends the caller headers and a User-Agent', async () => {
    const s = await server((_req, res) => res.end('ok'));
    await fetcher({ ...quick, userAgent: 'airlock-test' }).getBytes(`${s.origin}/x`, { headers: { Accept: 'text/plain' } });
    expect(s.requests[0]?.headers.accept).toBe('text/plain');
    expect(s.requests[0]?.headers['user-agent']).toBe('airlock-test');
  });

  it('skips a 103 Early Hints answer and reads the real one (regression: the dispatch handler took the 103 for the answer)', async () => {
    const s = await server((_req, res) => {
      res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
      res.end('after hints');
    });
    expect((await fetcher().getBytes(`${s.origin}/x`)).toString()).toBe('after hints');
  });

  it('retries 503 twice and then succeeds', async () => {
    const s = await server((_req, res, srv) => (srv.requests.length <= 2 ? res.writeHead(503).end() : res.end('fine')));
    expect((await fetcher().getBytes(`${s.origin}/x`)).toString()).toBe('fine');
    expect(s.requests).toHaveLength(3);
  });

  it('retries 429 and 408 too', async () => {
    const statuses = [429, 408];
    const s = await server((_req, res) => {
      const status = statuses.shift();
      if (status) res.writeHead(status).end();
      else res.end('fine');
    });
    expect((await fetcher().getBytes(`${s.origin}/x`)).toString()).toBe('fine');
    expect(s.requests).toHaveLength(3);
  });

  it('fails with FETCH_FAILED once the retries are spent', async () => {
    const s = await server((_req, res) => res.writeHead(500).end());
    await expectCode(fetcher({ ...quick, retries: 2 }).getBytes(`${s.origin}/x`), 'FETCH_FAILED');
    expect(s.requests).toHaveLength(3);
  });

  it('fails with HTTP_STATUS after exactly one request on 404 and 403', async () => {
    const s = await server((req, res) => res.writeHead(req.url === '/a' ? 404 : 403).end());
    await expectCode(fetcher().getBytes(`${s.origin}/a`), 'HTTP_STATUS');
    await expectCode(fetcher().getBytes(`${s.origin}/b`), 'HTTP_STATUS');
    expect(s.requests).toHaveLength(2);
  });

  it('fails with FETCH_FAILED when nothing listens', async () => {
    const s = await server((_req, res) => res.end());
    await s.close();
    await expectCode(fetcher({ ...quick, retries: 1 }).getBytes(`${s.origin}/x`), 'FETCH_FAILED');
  });

  it('refuses a declared body over maxBytes', async () => {
    const s = await server((_req, res) => res.writeHead(200, { 'content-length': 2000 }).end(Buffer.alloc(2000)));
    await expectCode(fetcher().getBytes(`${s.origin}/x`, { maxBytes: 1000 }), 'SIZE_MISMATCH');
    expect(s.requests).toHaveLength(1);
  });

  it('stops reading an undeclared body once it passes maxBytes', async () => {
    let written = 0;
    const s = await server((_req, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(16 * 1024);
      const pump = (): void => {
        while (written < 64 * 1024 * 1024 && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    await expectCode(fetcher().getBytes(`${s.origin}/x`, { maxBytes: 100_000 }), 'SIZE_MISMATCH');
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  it('follows up to five redirects and refuses a sixth', async () => {
    const s = await server((req, res) => {
      const n = Number(req.url?.slice(1));
      if (n > 0) res.writeHead(307, { location: `/${n - 1}` }).end();
      else res.end('landed');
    });
    expect((await fetcher().getBytes(`${s.origin}/5`)).toString()).toBe('landed');
    await expectCode(fetcher().getBytes(`${s.origin}/6`), 'FETCH_FAILED');
  });

  it('refuses a redirect to an unparseable Location with FETCH_FAILED (regression: a raw TypeError escaped)', async () => {
    const s = await server((_req, res) => res.writeHead(302, { location: 'http://[::1' }).end());
    await expectCode(fetcher().getBytes(`${s.origin}/x`), 'FETCH_FAILED');
    expect(s.requests).toHaveLength(1);
  });

  it('refuses a redirect to a scheme other than http and https with FETCH_FAILED, not USAGE', async () => {
    const s = await server((_req, res) => res.writeHead(301, { location: 'ftp://mirror.example/x' }).end());
    await expectCode(fetcher().getBytes(`${s.origin}/x`), 'FETCH_FAILED');
  });

  it('drops Authorization when a redirect leaves the origin', async () => {
    const other = await server((_req, res) => res.end('blob'));
    const s = await server((req, res) => {
      if (req.url === '/same') res.writeHead(302, { location: '/x' }).end();
      else if (req.url === '/away') res.writeHead(302, { location: `${other.origin}/blob` }).end();
      else res.end('here');
    });
    const headers = { authorization: 'Bearer secret' };
    await fetcher().getBytes(`${s.origin}/same`, { headers });
    await fetcher().getBytes(`${s.origin}/away`, { headers });
    expect(s.hits('/x')[0]?.headers.authorization).toBe('Bearer secret');
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('honours Retry-After, but never waits longer than the cap', async () => {
    const s = await server((_req, res, srv) => (srv.requests.length === 1 ? res.writeHead(503, { 'retry-after': '1' }).end() : res.end('ok')));
    const started = Date.now();
    await fetcher({ retries: 1, backoffMs: 1, maxBackoffMs: 5000 }).getBytes(`${s.origin}/x`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);

    const slow = await server((_req, res, srv) => (srv.requests.length === 1 ? res.writeHead(429, { 'retry-after': '3600' }).end() : res.end('ok')));
    const again = Date.now();
    await fetcher({ retries: 1, backoffMs: 1, maxBackoffMs: 50 }).getBytes(`${slow.origin}/x`);
    expect(Date.now() - again).toBeLessThan(2000);
  });

  it('times out an idle response and retries it', async () => {
    const s = await server((_req, res, srv) => {
      if (srv.requests.length === 1) res.writeHead(200).write('partial'); // then silence
      else res.end('complete');
    });
    expect((await fetcher({ ...quick, timeoutMs: 200 }).getBytes(`${s.origin}/x`)).toString()).toBe('complete');
    expect(s.requests).toHaveLength(2);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const s = await server((_req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight--;
        res.end('ok');
      }, 40);
    });
    const f = fetcher({ ...quick, concurrency: 2 });
    await Promise.all(Array.from({ length: 6 }, (_, i) => f.getBytes(`${s.origin}/${i}`)));
    expect(peak).toBe(2);
  });
});

describe('proxy environment', () => {
  const saved = { HTTP_PROXY: process.env.HTTP_PROXY, http_proxy: process.env.http_proxy, NO_PROXY: process.env.NO_PROXY, no_proxy: process.env.no_proxy };
  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('tunnels through HTTP_PROXY', async () => {
    const target = await server((_req, res) => res.end('via proxy'));
    const tunnels: string[] = [];
    const proxy: Server = createServer();
    proxy.on('connect', (req, client, head) => {
      tunnels.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => { proxy.closeAllConnections(); proxy.close(() => resolve()); }));

    delete process.env.http_proxy;
    delete process.env.no_proxy;
    delete process.env.NO_PROXY;
    process.env.HTTP_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const f = fetcher();
    expect((await f.getBytes(`${target.origin}/x`)).toString()).toBe('via proxy');
    expect(tunnels).toEqual([target.origin.replace('http://', '')]);
  });
});
