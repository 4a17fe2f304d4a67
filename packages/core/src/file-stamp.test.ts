import { stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '@airlock/test-utils';
import { hashListedFileSync } from './hash-listed-file.js';
import { holdsStamp, SETTLE_MS, settledStamp } from './file-stamp.js';

afterEach(() => {
  vi.useRealTimers();
});

const base = { size: 10, mtimeMs: 1_000_000, ctimeMs: 1_000_000, ino: 7 };

describe('settledStamp', () => {
  it('is given only once both times are SETTLE_MS old, the later one counting', () => {
    expect(settledStamp(base, base.ctimeMs + SETTLE_MS - 1)).toBeUndefined();
    expect(settledStamp(base, base.ctimeMs + SETTLE_MS)).toEqual(base);
    // An old mtime (set back by a program) with a fresh ctime is a file that just changed.
    expect(settledStamp({ ...base, mtimeMs: 0 }, base.ctimeMs + 1)).toBeUndefined();
    expect(settledStamp({ ...base, ctimeMs: 0 }, base.mtimeMs + 1)).toBeUndefined();
  });

  it('holds only while size, mtime, ctime and inode are all the same', () => {
    expect(holdsStamp({ ...base }, base)).toBe(true);
    for (const change of [{ size: 11 }, { mtimeMs: base.mtimeMs + 0.001 }, { ctimeMs: base.ctimeMs + 1 }, { ino: 8 }]) {
      expect(holdsStamp({ ...base, ...change }, base)).toBe(false);
    }
  });
});

describe('hashListedFileSync and settled stamps', () => {
  it('a file that changed just now gets none; the same file read SETTLE_MS later gets its stat', async () => {
    const path = join(await tempDir(), 'f');
    await writeFile(path, 'hello');
    expect(hashListedFileSync({ path }).settled).toBeUndefined();
    const info = await stat(path);
    vi.useFakeTimers({ toFake: ['Date'], now: Math.max(info.mtimeMs, info.ctimeMs) + SETTLE_MS + 1 });
    expect(hashListedFileSync({ path }).settled).toEqual({ size: 5, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs, ino: info.ino });
  });

  it('a file whose mtime was set back an hour still gets none: its ctime says it changed just now', async () => {
    const path = join(await tempDir(), 'f');
    await writeFile(path, 'hello');
    const past = new Date(Date.now() - 3_600_000);
    await utimes(path, past, past);
    expect(hashListedFileSync({ path }).settled).toBeUndefined();
  });

  it('a file not read because its cached stamp held gets none', async () => {
    const path = join(await tempDir(), 'f');
    await writeFile(path, 'hello');
    const info = await stat(path);
    vi.useFakeTimers({ toFake: ['Date'], now: info.ctimeMs + SETTLE_MS + 1 });
    const known = { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino };
    const outcome = hashListedFileSync({ path, known });
    expect(outcome.digest).toBeUndefined();
    expect(outcome.settled).toBeUndefined();
  });
});
