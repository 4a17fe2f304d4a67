import { execFileSync } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectCode, tempDir } from '@airlock/test-utils';
import { readFileLimited } from './atomic.js';

describe('readFileLimited', () => {
  it('reads a file of exactly the bound and refuses one byte more', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'exact'), Buffer.alloc(1000, 7));
    await writeFile(join(dir, 'over'), Buffer.alloc(1001, 7));
    expect(await readFileLimited(join(dir, 'exact'), 1000)).toEqual(Buffer.alloc(1000, 7));
    await expectCode(readFileLimited(join(dir, 'over'), 1000), 'SIZE_MISMATCH');
  });

  it('reads files larger than one read chunk completely', async () => {
    const dir = await tempDir();
    const data = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
    await writeFile(join(dir, 'big'), data);
    expect((await readFileLimited(join(dir, 'big'), data.length)).equals(data)).toBe(true);
  });

  // The hole: the bound was checked against stat's size, then the whole file was read, so a file
  // that grows after stat (or whose size lies, like network/FUSE mounts and /proc) was read whole.
  it('readFileLimited enforces its bound on the bytes read when the file is larger than stat said (grows after stat)', async () => {
    const pseudo = '/proc/self/status';
    expect((await stat(pseudo)).size).toBe(0); // the kernel reports 0 bytes ...
    expect((await readFile(pseudo)).length).toBeGreaterThan(64); // ... and delivers more
    await expectCode(readFileLimited(pseudo, 64, 'the status file'), 'SIZE_MISMATCH');
  });

  it('refuses a FIFO without blocking on it, and a directory, as not regular files', async () => {
    const dir = await tempDir();
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    await expectCode(readFileLimited(fifo, 100), 'SOURCE_NOT_FOUND');
    await mkdir(join(dir, 'sub'));
    await expectCode(readFileLimited(join(dir, 'sub'), 100), 'SOURCE_NOT_FOUND');
    await expectCode(readFileLimited(join(dir, 'absent'), 100), 'SOURCE_NOT_FOUND');
  });
});
