import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@airlock/test-utils';
import { VolumeWriteJob } from './volume-write-job.js';

const MiB = 1 << 20;

async function writeUncompressed(pieces: Buffer[]): Promise<{ file: Buffer; result: { size: number; sha256: string } }> {
  const tmp = join(await tempDir(), 'vol.tar.tmp');
  const job = new VolumeWriteJob({ tmp, name: 'vol.tar', compression: 'none', zstdLevel: 3, zstdThreads: 0 });
  // The writer may keep a buffer's tail back (staggered writes): the caller reuses its buffers at once.
  const reused = Buffer.allocUnsafe(MiB);
  for (const piece of pieces) {
    piece.copy(reused);
    job.write(reused.subarray(0, piece.length));
    reused.fill(0xee);
  }
  const result = await job.finish();
  return { file: await readFile(tmp), result };
}

describe('VolumeWriteJob without compression', () => {
  it('regression (staggered writes): the file is the bytes given, in order, whatever the buffer sizes, and its size and sha256 say so', async () => {
    const pieces = [randomBytes(MiB), randomBytes(MiB), randomBytes(100), randomBytes(5000), randomBytes(4096), randomBytes(MiB - 1), randomBytes(1)];
    const expected = Buffer.concat(pieces);
    const { file, result } = await writeUncompressed(pieces);
    expect(file.equals(expected)).toBe(true);
    expect(result).toEqual({ size: expected.length, sha256: createHash('sha256').update(expected).digest('hex') });
  });

  it('writes a volume of one small buffer and an empty one', async () => {
    const one = await writeUncompressed([Buffer.from('tiny')]);
    expect(one.file.toString()).toBe('tiny');
    expect(one.result.size).toBe(4);
    const none = await writeUncompressed([]);
    expect(none.file.length).toBe(0);
    expect(none.result.size).toBe(0);
  });
});
