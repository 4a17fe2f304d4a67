import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256Digest } from '@airlock/core';
import { createFetcher } from '@airlock/fetch';
import { expectCode, tempDir } from '@airlock/test-utils';
import { filesDriver } from './driver.js';
import { exportContext, serveFiles } from './__tests__/fixtures.js';

const iso = randomBytes(200_000);
const img = randomBytes(5_000);
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function context() {
  const server = await serveFiles({ '/pub/a.iso': iso, '/pub/b%20c.img': img });
  const fetcher = createFetcher({ retries: 0 });
  cleanups.push(() => server.close(), () => fetcher.close());
  const base = await tempDir();
  return { server, ctx: exportContext({ configDir: base, cacheDir: join(base, 'cache'), fetcher }) };
}

describe('filesDriver.resolve on URLs', () => {
  it('downloads pinned and unpinned URLs into the cache and catalogs them', async () => {
    const { server, ctx } = await context();
    const spec = filesDriver.parseSpec(
      { type: 'files', name: 'isos', urls: [{ url: `${server.origin}/pub/a.iso`, sha256: sha256Digest(iso), path: 'images/a.iso' }, `${server.origin}/pub/b%20c.img`] },
      's',
      ctx.configDir,
    );
    const { catalog, artifacts } = await filesDriver.resolve(spec, ctx);
    expect(catalog.entries).toEqual([
      { path: 'b c.img', type: 'file', digest: sha256Digest(img), size: img.length, mode: 0o644 },
      { path: 'images', type: 'dir', mode: 0o755 },
      { path: 'images/a.iso', type: 'file', digest: sha256Digest(iso), size: iso.length, mode: 0o644 },
    ]);
    for (const artifact of artifacts) {
      expect(artifact.source.kind).toBe('file');
      const path = (artifact.source as { path: string }).path;
      expect(sha256Digest(await readFile(path))).toBe(artifact.digest);
      expect(path.startsWith(join(ctx.cacheDir, 'blobs'))).toBe(true);
    }
  });

  it('does not fetch a pinned file again once it is in the cache, but re-fetches unpinned ones', async () => {
    const { server, ctx } = await context();
    const spec = filesDriver.parseSpec({ type: 'files', name: 'isos', urls: [{ url: `${server.origin}/pub/a.iso`, sha256: sha256Digest(iso) }, `${server.origin}/pub/b%20c.img`] }, 's', ctx.configDir);
    await filesDriver.resolve(spec, ctx);
    await filesDriver.resolve(spec, ctx);
    expect(server.hits.get('/pub/a.iso')).toBe(1);
    expect(server.hits.get('/pub/b%20c.img')).toBe(2);
  });

  it('fetches a file listed under two target paths once', async () => {
    const { server, ctx } = await context();
    const url = `${server.origin}/pub/a.iso`;
    const spec = filesDriver.parseSpec({ type: 'files', name: 'isos', urls: [{ url, sha256: sha256Digest(iso) }, { url, sha256: sha256Digest(iso), path: 'copy.iso' }] }, 's', ctx.configDir);
    const { catalog, artifacts } = await filesDriver.resolve(spec, ctx);
    expect(catalog.entries.map((e) => e.path)).toEqual(['a.iso', 'copy.iso']);
    expect(artifacts).toHaveLength(1);
    expect(server.hits.get('/pub/a.iso')).toBe(1);
  });

  it('fails with DIGEST_MISMATCH when the pinned sha256 is wrong', async () => {
    const { server, ctx } = await context();
    const spec = filesDriver.parseSpec({ type: 'files', name: 'isos', urls: [{ url: `${server.origin}/pub/a.iso`, sha256: sha256Digest('not the iso') }] }, 's', ctx.configDir);
    await expectCode(filesDriver.resolve(spec, ctx), 'DIGEST_MISMATCH');
  });

  it('refuses a URL file that collides with a local file', async () => {
    const { server, ctx } = await context();
    await writeFile(join(ctx.configDir, 'a.iso'), 'local');
    const spec = filesDriver.parseSpec({ type: 'files', name: 'isos', path: 'a.iso', urls: [`${server.origin}/pub/a.iso`] }, 's', ctx.configDir);
    await expectCode(filesDriver.resolve(spec, ctx), 'CONFIG_INVALID');
  });
});
