import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@airlock/test-utils';
import { isAirlockError } from './errors.js';
import { hashListedFiles, ListedFileHasher, type ListedOutcome } from './hash-listed-files.js';

const sha = (data: string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

function hashed(outcome: ListedOutcome | undefined) {
  if (outcome === undefined || 'error' in outcome) throw new Error(`expected a digest, got ${outcome && 'error' in outcome ? outcome.error.message : 'nothing'}`);
  return outcome;
}

describe('hashListedFiles', () => {
  it('stats and digests past the inline share on worker threads, in input order, with the error of a missing file in its place', async () => {
    const dir = await tempDir();
    const files: Array<{ path: string; data?: string }> = [];
    for (let i = 0; i < 700; i++) {
      const path = join(dir, `f-${i}`);
      const data = `file ${i}\n`.repeat(i % 5);
      await writeFile(path, data);
      files.push({ path, data });
    }
    files.splice(500, 0, { path: join(dir, 'gone') });
    let progressed = 0;
    const outcomes = await hashListedFiles(files.map((f) => ({ path: f.path })), (n) => (progressed += n));
    expect(progressed).toBe(files.length);
    expect(outcomes).toHaveLength(files.length);
    for (const [i, file] of files.entries()) {
      const outcome = outcomes[i];
      if (file.data === undefined) {
        expect(outcome && 'error' in outcome && isAirlockError(outcome.error, 'IO_ERROR')).toBe(true);
        continue;
      }
      const got = hashed(outcome);
      const info = await stat(file.path);
      expect(got).toEqual({ digest: sha(file.data), size: file.data.length, stamp: { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino, mode: info.mode } });
    }
  });

  it('does not read a file that still has its known stamp, and reads one whose stamp moved', async () => {
    const dir = await tempDir();
    const path = join(dir, 'a');
    await writeFile(path, 'first');
    const when = new Date('2030-01-01T00:00:00Z');
    await utimes(path, when, when);
    const known = hashed((await hashListedFiles([{ path }]))[0]).stamp;
    // Same length, same mtime: were it read, the digest would be of the new bytes.
    await writeFile(path, 'other');
    await utimes(path, when, when);
    const unread = hashed((await hashListedFiles([{ path, known }]))[0]);
    expect(unread.digest).toBeUndefined();
    expect(unread.size).toBe(5);
    await utimes(path, when, new Date(when.getTime() + 1000));
    expect(hashed((await hashListedFiles([{ path, known }]))[0]).digest).toBe(sha('other'));
  });

  it('refuses a listed file that became a symlink, unless it is a named path to follow', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'target'), 'pointed at');
    await symlink('target', join(dir, 'link'));
    const [refused] = await hashListedFiles([{ path: join(dir, 'link') }]);
    expect(refused && 'error' in refused && isAirlockError(refused.error, 'IO_ERROR') && /now a symlink/.test(refused.error.message)).toBe(true);
    expect(hashed((await hashListedFiles([{ path: join(dir, 'link'), follow: true }]))[0]).digest).toBe(sha('pointed at'));
  });

  it('refuses a listed file that became a FIFO, without waiting for a writer', async () => {
    const dir = await tempDir();
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const [refused] = await hashListedFiles([{ path: fifo }]);
    expect(refused && 'error' in refused && /no longer a regular file/.test(refused.error.message)).toBe(true);
  });

  it('reports the permission bits of the file it opened', async () => {
    const dir = await tempDir();
    const path = join(dir, 'tool');
    await writeFile(path, '#!/bin/sh\n');
    await chmod(path, 0o750);
    expect(hashed((await hashListedFiles([{ path }]))[0]).stamp.mode & 0o7777).toBe(0o750);
  });

  it('hashes files added over time, as a walk finds them, and gives them back in the order added', async () => {
    const dir = await tempDir();
    const hasher = new ListedFileHasher();
    const expected: string[] = [];
    for (let i = 0; i < 900; i++) {
      const path = join(dir, `w-${i}`);
      const data = `walked ${i}\n`;
      await writeFile(path, data);
      expected.push(sha(data));
      hasher.add({ path });
      // The walk yields now and then; batches go out in between.
      if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
    }
    const outcomes = await hasher.finish();
    expect(outcomes.map((o) => hashed(o).digest)).toEqual(expected);
  });

  it('abandons the hashing of a walk that failed without waiting for files that will not come', async () => {
    const dir = await tempDir();
    const hasher = new ListedFileHasher();
    for (let i = 0; i < 300; i++) {
      const path = join(dir, `a-${i}`);
      await writeFile(path, `${i}`);
      hasher.add({ path });
    }
    await expect(hasher.abandon()).resolves.toBeUndefined();
  });
});

