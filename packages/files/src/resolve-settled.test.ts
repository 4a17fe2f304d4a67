import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SETTLE_MS, type Artifact } from '@airlock/core';
import { tempDir } from '@airlock/test-utils';
import { filesDriver } from './driver.js';
import { exportContext } from './__tests__/fixtures.js';

afterEach(() => {
  vi.useRealTimers();
});

async function tree(): Promise<{ configDir: string; cache: string; paths: string[] }> {
  const configDir = await tempDir();
  await mkdir(join(configDir, 'payload', 'sub'), { recursive: true });
  const paths = ['a.txt', 'sub/b.bin'].map((p) => join(configDir, 'payload', p));
  await writeFile(paths[0] as string, 'alpha\n');
  await writeFile(paths[1] as string, Buffer.alloc(5000, 7));
  return { configDir, cache: join(configDir, 'cache'), paths };
}

async function resolve(configDir: string, cache: string): Promise<Artifact[]> {
  const spec = filesDriver.parseSpec({ type: 'files', name: 'data', path: './payload' }, 'sources[0]', configDir);
  return (await filesDriver.resolve(spec, exportContext({ configDir, cacheDir: cache }))).artifacts;
}

const settledOf = (artifacts: Artifact[], path: string) => {
  const source = artifacts.find((a) => a.source.kind === 'file' && a.source.path === path)?.source;
  return source?.kind === 'file' ? source.settled : 'missing';
};

describe('files driver: settled stamps for packing', () => {
  it('files hashed now that had been still carry their stamp; files that just changed do not', async () => {
    const { configDir, cache, paths } = await tree();
    const fresh = await resolve(configDir, join(cache, 'fresh'));
    for (const path of paths) expect(settledOf(fresh, path)).toBeUndefined();

    const later = Math.max(...(await Promise.all(paths.map(async (p) => (await stat(p)).ctimeMs)))) + SETTLE_MS + 1;
    vi.useFakeTimers({ toFake: ['Date'], now: later });
    const still = await resolve(configDir, join(cache, 'still'));
    for (const path of paths) {
      const info = await stat(path);
      expect(settledOf(still, path)).toEqual({ size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs, ino: info.ino });
    }
  });

  it('a digest the cache answered (the file was not read this run) carries no stamp, so packing hashes it', async () => {
    const { configDir, cache, paths } = await tree();
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + SETTLE_MS + 1000 });
    await resolve(configDir, cache);
    const again = await resolve(configDir, cache);
    for (const path of paths) expect(settledOf(again, path)).toBeUndefined();
  });
});
