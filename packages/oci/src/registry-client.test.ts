import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { expectCode, expectCodeSync } from '@airlock/test-utils';
import { tokenRealmPolicy } from './origin-policy.js';
import { pullScope, RegistryClient } from './registry-client.js';
import { RegistrySource } from './registry-source.js';

interface Seen {
  path: string;
  authorization: string | undefined;
}

interface TestServer {
  base: string;
  seen: Seen[];
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

/** A server on 127.0.0.1 (each on its own port, so its own origin) that records what it was sent. */
async function server(answer: (req: IncomingMessage, res: ServerResponse, self: TestServer) => void): Promise<TestServer> {
  const self: TestServer = { base: '', seen: [] };
  const s = createServer((req, res) => {
    self.seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
    answer(req, res, self);
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  self.base = `http://127.0.0.1:${(s.address() as { port: number }).port}`;
  return self;
}

const CREDS = { username: 'alice', password: 's3cret' };
const BASIC = `Basic ${Buffer.from('alice:s3cret').toString('base64')}`;

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** A registry that wants Basic auth and answers tags/list with `page`. */
function basicRegistry(page: (req: IncomingMessage, res: ServerResponse) => void) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (req.headers.authorization !== BASIC) return void res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
    page(req, res);
  };
}

const source = (registry: TestServer): RegistrySource =>
  new RegistrySource(new RegistryClient(registry.base, CREDS, 'test-registry'), 'team/app', '/nonexistent', { getBytes: async () => Buffer.alloc(0), download: async () => ({ digest: 'sha256:0', size: 0 }) } as never);

describe('credentials follow registry-chosen URLs', () => {
  it('a tags Link header to another origin is refused, and that origin receives no credentials', async () => {
    const elsewhere = await server((_req, res) => json(res, 200, { name: 'team/app', tags: ['stolen'] }));
    const registry = await server(basicRegistry((_req, res) => json(res, 200, { name: 'team/app', tags: ['1'] }, { link: `<${elsewhere.base}/v2/team/app/tags/list?last=1>; rel="next"` })));
    const error = await expectCode(source(registry).tags(), 'UPSTREAM_INVALID');
    expect(error.message).toContain(elsewhere.base);
    expect(elsewhere.seen).toEqual([]);
    expect(registry.seen.some((s) => s.authorization === BASIC)).toBe(true);
  });

  it('a same-origin Link is followed with credentials (pagination still works)', async () => {
    const registry = await server(
      basicRegistry((req, res) => {
        if (req.url?.includes('last=1')) return json(res, 200, { name: 'team/app', tags: ['2'] });
        json(res, 200, { name: 'team/app', tags: ['1'] }, { link: '</v2/team/app/tags/list?n=1000&last=1>; rel="next"' });
      }),
    );
    expect(await source(registry).tags()).toEqual(['1', '2']);
  });

  it('a token realm on another origin gets the scope but not the Basic credentials; the token goes only to the registry', async () => {
    const auth = await server((_req, res) => json(res, 200, { token: 'tok-123' }));
    const registry = await server((req, res) => {
      if (req.headers.authorization !== 'Bearer tok-123') return void res.writeHead(401, { 'www-authenticate': `Bearer realm="${auth.base}/token",service="reg"` }).end();
      json(res, 200, { name: 'team/app', tags: ['1'] });
    });
    expect(await source(registry).tags()).toEqual(['1']);
    expect(auth.seen.length).toBeGreaterThan(0);
    expect(auth.seen.every((s) => s.authorization === undefined)).toBe(true);
    expect(auth.seen[0]?.path).toContain(`scope=${encodeURIComponent(pullScope('team/app'))}`);
  });

  it('a token realm on the registry origin gets the Basic credentials', async () => {
    const registry = await server((req, res, self) => {
      if (req.url?.startsWith('/token')) return json(res, req.headers.authorization === BASIC ? 200 : 401, { token: 'tok-9' });
      if (req.headers.authorization !== 'Bearer tok-9') return void res.writeHead(401, { 'www-authenticate': `Bearer realm="${self.base}/token"` }).end();
      json(res, 200, { name: 'team/app', tags: ['1'] });
    });
    expect(await source(registry).tags()).toEqual(['1']);
    expect(registry.seen.find((s) => s.path.startsWith('/token'))?.authorization).toBe(BASIC);
  });

  it('a redirect to another origin drops the Authorization header', async () => {
    const elsewhere = await server((_req, res) => json(res, 200, { name: 'team/app', tags: ['1'] }));
    const registry = await server(basicRegistry((req, res) => void res.writeHead(307, { location: `${elsewhere.base}${req.url ?? ''}` }).end()));
    expect(await source(registry).tags()).toEqual(['1']);
    expect(elsewhere.seen).toHaveLength(1);
    expect(elsewhere.seen[0]?.authorization).toBeUndefined();
  });

  it('plain http token realms are refused for https registries; Docker Hub keeps its known token service', () => {
    expectCodeSync(() => tokenRealmPolicy(new URL('http://auth.example/token'), 'https://reg.example', 'reg'), 'UPSTREAM_INVALID');
    expect(tokenRealmPolicy(new URL('https://auth.example/token'), 'https://reg.example', 'reg')).toEqual({ sendCredentials: false });
    expect(tokenRealmPolicy(new URL('https://reg.example/token'), 'https://reg.example', 'reg')).toEqual({ sendCredentials: true });
    expect(tokenRealmPolicy(new URL('https://auth.docker.io/token'), 'https://registry-1.docker.io', 'docker.io')).toEqual({ sendCredentials: true });
    // A loopback or insecure registry is plain http itself, so an http realm is no downgrade.
    expect(tokenRealmPolicy(new URL('http://127.0.0.1:1/token'), 'http://127.0.0.1:1', 'reg')).toEqual({ sendCredentials: true });
  });
});

describe('untyped exceptions on hostile registry answers', () => {
  it('a tags list that is not JSON is UPSTREAM_INVALID', async () => {
    const registry = await server((_req, res) => json(res, 200, '<html>not json</html>'));
    await expectCode(source(registry).tags(), 'UPSTREAM_INVALID');
  });

  it('a tags list of the wrong shape is UPSTREAM_INVALID; a null tags list is an empty repository', async () => {
    const wrong = await server((_req, res) => json(res, 200, { name: 'team/app', tags: 'latest' }));
    await expectCode(source(wrong).tags(), 'UPSTREAM_INVALID');
    const empty = await server((_req, res) => json(res, 200, { name: 'team/app', tags: null }));
    expect(await source(empty).tags()).toEqual([]);
  });

  it('an invalid realm URL is UPSTREAM_INVALID at once (not retried as a network error)', async () => {
    const registry = await server((_req, res) => void res.writeHead(401, { 'www-authenticate': 'Bearer realm="http://[bad"' }).end());
    await expectCode(source(registry).tags(), 'UPSTREAM_INVALID');
    expect(registry.seen, 'asked once, not retried').toHaveLength(1);
  });

  it('a token answer that is not JSON is UPSTREAM_INVALID', async () => {
    const registry = await server((req, res, self) => {
      if (req.url?.startsWith('/token')) return json(res, 200, 'token=abc');
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${self.base}/token"` }).end();
    });
    await expectCode(source(registry).tags(), 'UPSTREAM_INVALID');
  });

  it('tags pages that loop are refused', async () => {
    const registry = await server((_req, res) => json(res, 200, { name: 'team/app', tags: ['1'] }, { link: '</v2/team/app/tags/list?n=1000>; rel="next"' }));
    await expectCode(source(registry).tags(), 'UPSTREAM_INVALID');
  });

  it('a connection cut while a tags list is read is FETCH_FAILED', async () => {
    const registry = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"name":"team/app","tags":[');
      setTimeout(() => res.destroy(), 20);
    });
    await expectCode(source(registry).tags(), 'FETCH_FAILED');
  });
});
