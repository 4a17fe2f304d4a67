import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publishDir, rawRequest, serve } from './__tests__/fixture.js';
import { parseRequestPath } from './request-path.js';

const SECRET = 'top secret outside the tree';

/** A publication with a secret beside it at several depths, and a file whose name merely contains `..`. */
async function exposedTree() {
  const publish = await publishDir();
  const snapshot = await publish.snapshot('1', { 'a/b/ok.txt': 'fine', 'a..b.txt': 'dots are fine' });
  for (const dir of ['', 'publish', 'publish/snapshots', 'publish/snapshots/other']) {
    await mkdir(join(publish.home, dir), { recursive: true });
    await writeFile(join(publish.home, dir, 'secret.txt'), SECRET);
  }
  await publish.switchTo('1');
  return { publish, snapshot, server: await serve(publish.current) };
}

describe('path safety', () => {
  const attempts = [
    '/../secret.txt',
    '/../../secret.txt',
    '/../../../secret.txt',
    '/../other/secret.txt',
    '/%2e%2e/%2e%2e/%2e%2e/secret.txt',
    '/%2E%2E/%2E%2E/secret.txt',
    '/.%2e/.%2e/.%2e/secret.txt',
    '/a/..%2f..%2f..%2f..%2fsecret.txt',
    '/a/b/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt',
    '/..%5c..%5c..%5csecret.txt',
    '/..\\..\\..\\secret.txt',
    '//etc/passwd',
    '/%2fetc%2fpasswd',
    '/%252e%252e/%252e%252e/secret.txt',
    '/a/b/ok.txt%00.json',
    '/%',
    '/a/%zz',
    'http://127.0.0.1/../../secret.txt',
    '*',
  ];

  it.each(attempts)('never serves anything outside the tree for %s', async (target) => {
    const { server } = await exposedTree();
    const res = await rawRequest(server.port, target);
    expect([400, 404]).toContain(res.status);
    expect(res.body).not.toContain(SECRET);
    expect(res.body).not.toContain('root:');
  });

  it('still serves legitimate names, including ones containing dots', async () => {
    const { server } = await exposedTree();
    expect((await rawRequest(server.port, '/a/b/ok.txt')).body).toBe('fine');
    expect((await rawRequest(server.port, '/a/./b//ok.txt')).body).toBe('fine');
    expect((await rawRequest(server.port, '/a..b.txt')).body).toBe('dots are fine');
    expect((await rawRequest(server.port, '/a/b/ok%2Etxt')).body).toBe('fine');
  });

  it('answers 404 for symlinks that lead out of the tree, and leaves them out of listings', async () => {
    const { publish, snapshot, server } = await exposedTree();
    await symlink(join(publish.home, 'secret.txt'), join(snapshot, 'escape.txt'));
    await symlink('../../../../secret.txt', join(snapshot, 'relative-escape.txt'));
    await symlink(publish.home, join(snapshot, 'escape-dir'));
    await symlink('a/b/ok.txt', join(snapshot, 'inside.txt'));
    for (const target of ['/escape.txt', '/relative-escape.txt', '/escape-dir/secret.txt', '/escape-dir/']) {
      const res = await rawRequest(server.port, target);
      expect(res.status, target).toBe(404);
      expect(res.body).not.toContain(SECRET);
    }
    expect((await rawRequest(server.port, '/inside.txt')).body).toBe('fine');
    const listing = (await rawRequest(server.port, '/')).body;
    expect(listing).toContain('inside.txt');
    expect(listing).not.toContain('escape');
  });

  it('never redirects off-site when a directory is named with leading slashes', async () => {
    const { server } = await exposedTree();
    const res = await rawRequest(server.port, '//a');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('/a/');
  });

  it('answers 404 for a file requested as a directory', async () => {
    const { server } = await exposedTree();
    expect((await rawRequest(server.port, '/a/b/ok.txt/')).status).toBe(404);
  });
});

describe('parseRequestPath', () => {
  it('decodes each segment once and drops empty and dot segments', () => {
    expect(parseRequestPath('/a/%20b/./c//d?x=1')).toEqual({ ok: true, segments: ['a', ' b', 'c', 'd'], trailingSlash: false });
    expect(parseRequestPath('/%252e%252e/')).toEqual({ ok: true, segments: ['%2e%2e'], trailingSlash: true });
  });

  it('refuses segments that step out or hide separators', () => {
    for (const target of ['/..', '/a/%2e%2E', '/a%2fb', '/a%5cb', '/a\\b', '/a%00b', 'a', '']) {
      expect(parseRequestPath(target).ok, target).toBe(false);
    }
  });
});
