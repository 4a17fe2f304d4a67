import { createServer as createNetServer } from 'node:net';
import type { Stats } from 'node:fs';
import { mkdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256Digest } from '@airlock/core';
import { expectCode, tempDir } from '@airlock/test-utils';
import { filesDriver } from './driver.js';
import { exportContext, recordingProgress } from './__tests__/fixtures.js';
import { buildSampleTree, FIXED_TIME } from './__tests__/sample-tree.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function setup(): Promise<{ tree: string; cache: string; configDir: string; files: Record<string, string> }> {
  const base = await tempDir();
  const tree = join(base, 'payload');
  await mkdir(tree);
  const files = await buildSampleTree(tree);
  await writeFile(join(base, 'outside.txt'), 'outside');
  return { tree, cache: join(base, 'cache'), configDir: base, files };
}

describe('filesDriver.resolve on a directory', () => {
  it('catalogs files, directories and inside symlinks; warns about the rest', async () => {
    const { tree, cache, configDir, files } = await setup();
    const sock = createNetServer();
    await new Promise<void>((resolve) => sock.listen(join(tree, 'sock'), resolve));
    cleanups.push(() => new Promise((resolve) => sock.close(() => resolve())));

    const progress = recordingProgress();
    const spec = filesDriver.parseSpec({ type: 'files', name: 'tools', path: './payload' }, 'sources[0]', configDir);
    const { catalog, artifacts } = await filesDriver.resolve(spec, exportContext({ configDir, cacheDir: cache, progress }));

    const fileEntry = (path: string, mode = 0o644) => ({ path, type: 'file', digest: sha256Digest(files[path] as string), size: Buffer.byteLength(files[path] as string), mode });
    expect(catalog).toEqual({
      version: 1,
      entries: [
        { path: 'Grüße', type: 'dir', mode: 0o755 },
        fileEntry('Grüße/naïve file.txt'),
        fileEntry('a.txt'),
        { path: 'bin', type: 'dir', mode: 0o755 },
        fileEntry('bin/tool', 0o755),
        fileEntry('empty.txt'),
        { path: 'emptydir', type: 'dir', mode: 0o750 },
        { path: 'link-in', type: 'symlink', target: 'a.txt' },
        { path: 'nested', type: 'dir', mode: 0o755 },
        { path: 'nested/deep', type: 'dir', mode: 0o755 },
        { path: 'nested/deep/er', type: 'dir', mode: 0o755 },
        fileEntry('nested/deep/er/x.bin'),
        { path: 'nested/deep/link-up', type: 'symlink', target: '../../a.txt' },
      ],
    });
    expect(artifacts.map((a) => a.source)).toContainEqual({ kind: 'file', path: join(tree, 'bin/tool') });
    expect(artifacts).toHaveLength(5);
    const count = Object.keys(files).length;
    expect(progress.tasks).toEqual([{ label: 'hash tools', total: undefined, unit: 'items', advanced: count, done: true }]);
    expect(progress.warnings).toHaveLength(3);
    for (const name of ['link-out', 'link-abs', 'sock']) expect(progress.warnings.some((w) => w.includes(join(tree, name)))).toBe(true);
    expect(filesDriver.parseCatalog(JSON.parse(JSON.stringify(catalog)))).toEqual(catalog);
  });

  it('reuses cached digests for files whose size, mtime and inode are unchanged', async () => {
    const { tree, cache, configDir } = await setup();
    const spec = filesDriver.parseSpec({ type: 'files', name: 'tools', path: tree }, 's', configDir);
    const first = await filesDriver.resolve(spec, exportContext({ configDir, cacheDir: cache }));
    const digestOf = (r: typeof first, path: string) => r.catalog.entries.find((e) => e.path === path && e.type === 'file');

    // Same size, same inode, mtime put back: only the cache can still answer with the old digest.
    await writeFile(join(tree, 'a.txt'), 'HELLO\n');
    await utimes(join(tree, 'a.txt'), FIXED_TIME, FIXED_TIME);
    const second = await filesDriver.resolve(spec, exportContext({ configDir, cacheDir: cache }));
    expect(digestOf(second, 'a.txt')).toEqual(digestOf(first, 'a.txt'));

    // A real change of mtime invalidates the cached digest.
    await utimes(join(tree, 'a.txt'), FIXED_TIME, new Date(FIXED_TIME.getTime() + 1000));
    const third = await filesDriver.resolve(spec, exportContext({ configDir, cacheDir: cache }));
    expect(digestOf(third, 'a.txt')).toMatchObject({ digest: sha256Digest('HELLO\n') });
  });

  it.each([
    ['version 1 (an object keyed by JSON arrays)', (abs: string, info: Stats, digest: string) => ({ [JSON.stringify([abs, info.size, info.mtimeMs, info.ino])]: digest })],
    ['version 2 (one string key per file)', (abs: string, info: Stats, digest: string) => ({ version: 2, entries: [[`${info.size}\t${info.mtimeMs}\t${info.ino}\t${abs}`, digest]] })],
  ])('reads a digest cache of an earlier format, %s, as empty: its digests are computed again, never misread', async (_format, cacheOf) => {
    const { tree, cache, configDir } = await setup();
    const spec = filesDriver.parseSpec({ type: 'files', name: 'tools', path: tree }, 's', configDir);
    const info = await stat(join(tree, 'a.txt'));
    const wrong = sha256Digest('not the contents');
    await mkdir(cache, { recursive: true });
    await writeFile(join(cache, 'digests-tools.json'), JSON.stringify(cacheOf(join(tree, 'a.txt'), info, wrong)));
    const { catalog } = await filesDriver.resolve(spec, exportContext({ configDir, cacheDir: cache }));
    const entry = catalog.entries.find((e) => e.path === 'a.txt' && e.type === 'file');
    expect(entry).toBeDefined();
    expect(entry).not.toMatchObject({ digest: wrong });
    const again = await filesDriver.resolve(spec, exportContext({ configDir, cacheDir: cache }));
    expect(again.catalog.entries.find((e) => e.path === 'a.txt')).toEqual(entry);
  });

  it('puts a file given directly at the root, beside a directory’s contents', async () => {
    const { cache, configDir } = await setup();
    await writeFile(join(configDir, 'README'), 'read me');
    const spec = filesDriver.parseSpec({ type: 'files', name: 'tools', path: ['README', 'payload'] }, 's', configDir);
    const { catalog } = await filesDriver.resolve(spec, exportContext({ configDir, cacheDir: cache }));
    expect(catalog.entries.find((e) => e.path === 'README')).toEqual({ path: 'README', type: 'file', digest: sha256Digest('read me'), size: 7, mode: (await stat(join(configDir, 'README'))).mode & 0o7777 });
    expect(catalog.entries.some((e) => e.path === 'a.txt')).toBe(true);
  });

  it('refuses two sources that give the same path', async () => {
    const { cache, configDir } = await setup();
    await mkdir(join(configDir, 'other'));
    await writeFile(join(configDir, 'other', 'a.txt'), 'clash');
    await mkdir(join(configDir, 'other', 'nested'));
    const spec = filesDriver.parseSpec({ type: 'files', name: 'tools', path: ['payload', 'other'] }, 's', configDir);
    const err = await expectCode(filesDriver.resolve(spec, exportContext({ configDir, cacheDir: cache })), 'CONFIG_INVALID');
    expect((err.details?.problems as Array<{ path: string }>).map((p) => p.path)).toEqual(['a.txt']);
  });

  it('fails with SOURCE_NOT_FOUND for a missing path', async () => {
    const { cache, configDir } = await setup();
    const spec = filesDriver.parseSpec({ type: 'files', name: 'tools', path: 'nowhere' }, 's', configDir);
    await expectCode(filesDriver.resolve(spec, exportContext({ configDir, cacheDir: cache })), 'SOURCE_NOT_FOUND');
  });

  it('skips a name that is not valid UTF-8, with a warning, and keeps a valid one that contains U+FFFD', async () => {
    const base = await tempDir();
    const tree = join(base, 'payload');
    await mkdir(join(tree, 'sub'), { recursive: true });
    await writeFile(join(tree, 'sub', 'ok.txt'), 'ok');
    await writeFile(join(tree, 'sub', 'odd\uFFFDname.txt'), 'replacement character, validly encoded');
    await writeFile(Buffer.concat([Buffer.from(join(tree, 'sub') + '/'), Buffer.from([0x62, 0x61, 0x64, 0xff])]), 'latin-1 byte');
    await writeFile(join(tree, 'top.txt'), 'top');
    const progress = recordingProgress();
    const spec = filesDriver.parseSpec({ type: 'files', name: 'tools', path: './payload' }, 's', base);
    const { catalog } = await filesDriver.resolve(spec, exportContext({ configDir: base, cacheDir: join(base, 'cache'), progress }));
    expect(catalog.entries.map((e) => e.path)).toEqual(['sub', 'sub/odd\uFFFDname.txt', 'sub/ok.txt', 'top.txt']);
    expect(progress.warnings).toHaveLength(1);
    expect(progress.warnings[0]).toContain('not valid UTF-8');
    expect(progress.warnings[0]).toContain(join(tree, 'sub'));
  });
});

