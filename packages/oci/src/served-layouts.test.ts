import * as fs from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '@airlock/test-utils';
import { makeSiteFixture, publishFixture } from './__tests__/site-fixture.js';
import { createRegistryHandler } from './registry-handler.js';

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return { ...real, readdir: vi.fn(real.readdir), stat: vi.fn(real.stat) };
});

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: simulated`), { code });

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function registry(): Promise<{ base: string; snapshot: string }> {
  const root = await tempDir();
  const f = await makeSiteFixture(root);
  const snapshot = join(root, 'snap-1');
  await publishFixture(f, snapshot);
  await fs.symlink('snap-1', join(root, 'current'));
  const handler = createRegistryHandler(join(root, 'current'));
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${(server.address() as { port: number }).port}`, snapshot };
}

describe('registry API caches a failed load forever', () => {
  it('EMFILE while loading the layouts is a 503 to retry, not a 404, and the next request loads again', async () => {
    const { base, snapshot } = await registry();
    vi.mocked(fs.readdir).mockImplementationOnce(async (path) => {
      if (String(path) === join(snapshot, 'oci')) throw errno('EMFILE');
      throw new Error(`unexpected readdir ${String(path)}`);
    });
    const exhausted = await fetch(`${base}/v2/acc/app/manifests/1`);
    expect(exhausted.status).toBe(503);
    expect(exhausted.headers.get('retry-after')).toBe('1');
    expect(((await exhausted.json()) as { errors: Array<{ code: string }> }).errors[0]?.code).toBe('UNAVAILABLE');
    const recovered = await fetch(`${base}/v2/acc/app/manifests/1`);
    expect(recovered.status).toBe(200);
    await recovered.arrayBuffer();
  });

  it('EIO on a manifest blob is a 500, never "manifest unknown"; a complete load is then cached', async () => {
    const { base, snapshot } = await registry();
    vi.mocked(fs.stat).mockImplementationOnce(async () => {
      throw errno('EIO');
    });
    const broken = await fetch(`${base}/v2/acc/app/manifests/1`);
    expect(broken.status).toBe(500);
    expect(((await broken.json()) as { errors: Array<{ code: string }> }).errors[0]?.code).toBe('UNKNOWN');
    expect((await fetch(`${base}/v2/acc/app/manifests/1`)).status).toBe(200);
    // Cached: the layouts are not read again for the same snapshot.
    const reads = vi.mocked(fs.readdir).mock.calls.filter(([p]) => String(p) === join(snapshot, 'oci')).length;
    expect((await fetch(`${base}/v2/acc/multi/manifests/latest`)).status).toBe(200);
    expect(vi.mocked(fs.readdir).mock.calls.filter(([p]) => String(p) === join(snapshot, 'oci')).length).toBe(reads);
  });

  it('a publication without oci/ is an empty registry (404), which is not an error', async () => {
    const root = await tempDir();
    await fs.mkdir(join(root, 'snap-1'));
    await fs.symlink('snap-1', join(root, 'current'));
    const handler = createRegistryHandler(join(root, 'current'));
    server = createServer((req, res) => void handler(req, res));
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/v2/acc/app/manifests/1`);
    expect(res.status).toBe(404);
  });
});
