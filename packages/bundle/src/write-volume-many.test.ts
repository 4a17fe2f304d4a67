import { readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Digest } from '@airlock/core';
import { expectCode, tempDir } from '@airlock/test-utils';
import { READ_AHEAD_MIN_FILES } from './read-ahead.js';
import { writeVolume } from './write-volume.js';
import { CHANNEL, ID, SEQUENCE, digestOf, noise, text, verifyWrittenVolume } from './__tests__/fixtures.js';

/** Many small files (read ahead on their own thread; one empty) around a large one (read in place), all from disk. */
async function manyFiles(count: number) {
  const dir = await tempDir();
  const blobs = Array.from({ length: count }, (_, i) => (i === count >> 1 ? noise(3 << 20, i) : i === 1 ? Buffer.alloc(0) : i % 3 === 0 ? text(100 + i * 37, i) : noise(i * 53, i)));
  const paths = new Map<Digest, string>();
  for (const [i, blob] of blobs.entries()) {
    const path = join(dir, `f${i}`);
    await writeFile(path, blob);
    paths.set(digestOf(blob), path);
  }
  const entries = [...new Map(blobs.map((b) => [digestOf(b), { digest: digestOf(b), size: b.length }])).values()];
  const write = () => writeVolume({
    dir: join(dir, 'out'), bundleId: ID, channel: CHANNEL, sequence: SEQUENCE, number: 1, compression: 'zstd', threads: 2, entries,
    open: async () => { throw new Error('files are read by path'); }, pathOf: (d) => paths.get(d), expectedDigest: (d) => d,
  });
  return { dir, blobs, entries, paths, write };
}

describe('a volume of many small files (read ahead of the packer)', () => {
  it('packs every file in plan order, byte for byte', async () => {
    const { dir, entries, write } = await manyFiles(READ_AHEAD_MIN_FILES * 4);
    const written = await write();
    await verifyWrittenVolume(join(dir, 'out'), written, entries);
  });

  it('a file that shrank since planning is SIZE_MISMATCH, one that is gone SOURCE_NOT_FOUND, and no volume is left', async () => {
    const shrunk = await manyFiles(READ_AHEAD_MIN_FILES * 2);
    await truncate(shrunk.paths.get(shrunk.entries[100]!.digest)!, 10);
    await expectCode(shrunk.write(), 'SIZE_MISMATCH');
    const gone = await manyFiles(READ_AHEAD_MIN_FILES * 2);
    await rm(gone.paths.get(gone.entries[7]!.digest)!);
    await expectCode(gone.write(), 'SOURCE_NOT_FOUND');
    const changed = await manyFiles(READ_AHEAD_MIN_FILES * 2);
    await writeFile(changed.paths.get(changed.entries[50]!.digest)!, Buffer.alloc(changed.entries[50]!.size, 1));
    await expectCode(changed.write(), 'DIGEST_MISMATCH');
    for (const run of [shrunk, gone, changed]) expect(await readdir(join(run.dir, 'out'))).toEqual([]);
  });
});
