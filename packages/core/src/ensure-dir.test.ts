import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@airlock/test-utils';
import { ensureDir } from './atomic.js';

describe('ensureDir', () => {
  it('regression: directories were created world-writable under umask 000 (published trees open to other users)', async () => {
    const root = await tempDir();
    const previous = process.umask(0);
    try {
      await ensureDir(join(root, 'a', 'b', 'c'));
    } finally {
      process.umask(previous);
    }
    for (const dir of ['a', 'a/b', 'a/b/c']) expect((await stat(join(root, dir))).mode & 0o777, dir).toBe(0o755);
  });

  it('keeps an explicit narrower mode', async () => {
    const root = await tempDir();
    await ensureDir(join(root, 'private'), 0o700);
    expect((await stat(join(root, 'private'))).mode & 0o777).toBe(0o700);
  });
});
