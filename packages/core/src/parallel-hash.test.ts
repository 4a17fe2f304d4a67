import { createHash } from 'node:crypto';
import { truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@airlock/test-utils';
import { isAirlockError } from './errors.js';
import { hashFilesParallel } from './parallel-hash.js';

const MiB = 1 << 20;

describe('hashFilesParallel', () => {
  it('hashes on worker threads past 64 MiB, in input order, with an error in the place of an unreadable file', async () => {
    const dir = await tempDir();
    const files: Array<{ path: string; size: number; expected?: string }> = [];
    // Three sparse files of 30 MiB (zeros, cheap to make) push the total past the parallel threshold.
    for (let i = 0; i < 3; i++) {
      const path = join(dir, `big-${i}`);
      await writeFile(path, `header ${i}`);
      await truncate(path, 30 * MiB);
      const bytes = Buffer.alloc(30 * MiB);
      bytes.write(`header ${i}`);
      files.push({ path, size: 30 * MiB, expected: createHash('sha256').update(bytes).digest('hex') });
    }
    for (let i = 0; i < 600; i++) {
      const path = join(dir, `small-${i}`);
      const data = `small file ${i}\n`;
      await writeFile(path, data);
      files.push({ path, size: data.length, expected: createHash('sha256').update(data).digest('hex') });
    }
    files.splice(300, 0, { path: join(dir, 'gone'), size: 10 });
    let progressed = 0;
    const outcomes = await hashFilesParallel(files, (bytes) => (progressed += bytes));
    expect(outcomes).toHaveLength(files.length);
    expect(progressed).toBe(files.reduce((sum, f) => sum + f.size, 0));
    outcomes.forEach((outcome, i) => {
      const file = files[i]!;
      if (file.expected === undefined) {
        expect('error' in outcome && isAirlockError(outcome.error, 'IO_ERROR')).toBe(true);
      } else {
        expect(outcome).toEqual({ digest: `sha256:${file.expected}`, size: file.size });
      }
    });
  });

  it('hashes a small set on the calling thread, with the same results', async () => {
    const dir = await tempDir();
    const path = join(dir, 'one');
    await writeFile(path, 'one file\n');
    const [outcome] = await hashFilesParallel([{ path, size: 9 }, { path: join(dir, 'missing'), size: 1 }]);
    expect(outcome).toEqual({ digest: `sha256:${createHash('sha256').update('one file\n').digest('hex')}`, size: 9 });
  });
});
