import { lstat, mkdir, readdir, readFile, readlink, rm, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectCode, tempDir } from '@airlock/test-utils';
import { PUBLICATION_RECORD, Snapshots } from './snapshots.js';

async function publishRoot(): Promise<Snapshots> {
  return new Snapshots(join(await tempDir(), 'publish'));
}

async function publish(snapshots: Snapshots, id: string, content: string): Promise<void> {
  const staging = await snapshots.beginStaging(id);
  await writeFile(join(staging, 'hello.txt'), content);
  await snapshots.promote(id);
  await snapshots.switchTo(id);
}

describe('Snapshots', () => {
  it('stages, promotes and switches current with a relative symlink', async () => {
    const snapshots = await publishRoot();
    expect(await snapshots.currentId()).toBeNull();
    expect(await snapshots.list()).toEqual([]);
    await publish(snapshots, '1', 'first');
    expect(await snapshots.currentId()).toBe('1');
    expect(await readlink(snapshots.currentPath)).toBe('snapshots/1');
    expect(await readFile(join(snapshots.currentPath, 'hello.txt'), 'utf8')).toBe('first');
    await publish(snapshots, '2', 'second');
    expect(await readFile(join(snapshots.currentPath, 'hello.txt'), 'utf8')).toBe('second');
    await publish(snapshots, '10', 'tenth');
    expect(await snapshots.list()).toEqual(['1', '2', '10']);
  });

  it('gives a fresh staging dir, dropping leftovers', async () => {
    const snapshots = await publishRoot();
    const first = await snapshots.beginStaging('3');
    await writeFile(join(first, 'leftover'), 'x');
    const again = await snapshots.beginStaging('3');
    await expect(lstat(join(again, 'leftover'))).rejects.toThrow();
  });

  it('replaces a promoted snapshot that is not current, but never the current one', async () => {
    const snapshots = await publishRoot();
    await publish(snapshots, '1', 'live');
    const staging = await snapshots.beginStaging('2');
    await writeFile(join(staging, 'hello.txt'), 'draft');
    await snapshots.promote('2');
    const redo = await snapshots.beginStaging('2');
    await writeFile(join(redo, 'hello.txt'), 'final');
    await snapshots.promote('2');
    expect(await readFile(join(snapshots.root, 'snapshots', '2', 'hello.txt'), 'utf8')).toBe('final');
    await snapshots.beginStaging('1');
    await expectCode(snapshots.promote('1'), 'PUBLISH_FAILED');
    expect(await readFile(join(snapshots.currentPath, 'hello.txt'), 'utf8')).toBe('live');
  });

  it('refuses to remove the current snapshot and removes others, read-only dirs included', async () => {
    const snapshots = await publishRoot();
    await publish(snapshots, '1', 'old');
    const staging = await snapshots.beginStaging('2');
    await mkdir(join(staging, 'ro'));
    await writeFile(join(staging, 'ro', 'f'), 'x');
    await chmod(join(staging, 'ro'), 0o555);
    await snapshots.promote('2');
    await snapshots.switchTo('2');
    await expectCode(snapshots.remove('2'), 'PUBLISH_FAILED');
    await snapshots.switchTo('1');
    await snapshots.remove('2');
    expect(await snapshots.list()).toEqual(['1']);
  });

  it('refuses to promote or switch to what does not exist', async () => {
    const snapshots = await publishRoot();
    await expectCode(snapshots.promote('7'), 'PUBLISH_FAILED');
    await expectCode(snapshots.switchTo('7'), 'PUBLISH_FAILED');
    expect(await snapshots.currentId()).toBeNull();
  });

  it('validates ids as plain names', async () => {
    const snapshots = await publishRoot();
    for (const id of ['..', '../x', 'a/b', '', '.hidden']) {
      await expectCode(snapshots.beginStaging(id), 'USAGE');
      await expectCode(snapshots.remove(id), 'USAGE');
    }
  });

  it('recovers from a crash mid-publication: staging is cleaned, current untouched', async () => {
    const snapshots = await publishRoot();
    await publish(snapshots, '1', 'good');
    // The crashed run got as far as half a staging tree and a temp link it never renamed.
    const staging = await snapshots.beginStaging('2');
    await writeFile(join(staging, 'hello.txt'), 'hal');
    await writeFile(join(snapshots.root, '.current.1234.abcd.tmp'), '');
    const restarted = new Snapshots(snapshots.root);
    await restarted.cleanStaging();
    await expect(lstat(join(snapshots.root, 'staging'))).rejects.toThrow();
    await expect(lstat(join(snapshots.root, '.current.1234.abcd.tmp'))).rejects.toThrow();
    expect(await restarted.currentId()).toBe('1');
    expect(await readFile(join(restarted.currentPath, 'hello.txt'), 'utf8')).toBe('good');
    await expectCode(restarted.switchTo('2'), 'PUBLISH_FAILED');
  });

  it('reports a current path that is not a snapshot link', async () => {
    const snapshots = await publishRoot();
    await mkdir(snapshots.currentPath, { recursive: true });
    await expectCode(snapshots.currentId(), 'PUBLISH_FAILED');
  });

  it('trashes a snapshot in one rename, out of list(), and deletes it entry by entry', async () => {
    const snapshots = await publishRoot();
    await publish(snapshots, '1', 'old');
    const staging = await snapshots.beginStaging('2');
    for (const name of ['a', 'b', 'c']) await writeFile(join(staging, name), name);
    await snapshots.promote('2');
    await snapshots.switchTo('2');
    await expectCode(snapshots.trash('2'), 'PUBLISH_FAILED');
    const trashed = await snapshots.trash('1');
    expect(await snapshots.list()).toEqual(['2']);
    expect(await readFile(join(trashed, 'hello.txt'), 'utf8')).toBe('old');
    let removed = 0;
    await snapshots.deleteTrashed(trashed, () => removed++);
    expect(removed).toBe(1);
    await expect(lstat(trashed)).rejects.toThrow();
    await expectCode(snapshots.deleteTrashed(join(snapshots.root, 'snapshots', '2')), 'INTERNAL');
    expect(await snapshots.list()).toEqual(['2']);
  });

  it('empties a trash an interrupted delete left half-done, at the next clean', async () => {
    const snapshots = await publishRoot();
    await publish(snapshots, '1', 'one');
    await publish(snapshots, '2', 'two');
    const trashed = await snapshots.trash('1');
    await rm(join(trashed, 'hello.txt')); // the delete got this far
    await snapshots.cleanStaging();
    expect(await readdir(join(snapshots.root, 'trash'))).toEqual([]);
    expect(await snapshots.list()).toEqual(['2']);
    expect(await readFile(join(snapshots.currentPath, 'hello.txt'), 'utf8')).toBe('two');
  });

  it('tells a whole snapshot (with its publication record) from one without', async () => {
    const snapshots = await publishRoot();
    await publish(snapshots, '1', 'x');
    expect(await snapshots.isWhole('1')).toBe(false);
    await writeFile(join(snapshots.pathOf('1'), PUBLICATION_RECORD), '{}');
    expect(await snapshots.isWhole('1')).toBe(true);
    expect(await snapshots.isWhole('9')).toBe(false);
  });
});
