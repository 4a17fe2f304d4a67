import { closeSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Digest, SettledStamp } from '@airlock/core';
import { expectCode, tempDir } from '@airlock/test-utils';
import { READ_AHEAD_MAX_BYTES, READ_AHEAD_MIN_FILES } from './read-ahead.js';
import { writeVolume } from './write-volume.js';
import { CHANNEL, ID, SEQUENCE, digestOf, noise, verifyWrittenVolume } from './__tests__/fixtures.js';

const stampOf = (path: string): SettledStamp => {
  const s = statSync(path);
  return { size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: s.ino };
};

/**
 * Files packed either by the read-ahead thread (many small ones) or in place (one large one),
 * each given the stamp it has now as if this run had hashed it and found it settled.
 */
async function settledFiles(kind: 'small' | 'large') {
  const dir = await tempDir();
  const count = kind === 'small' ? READ_AHEAD_MIN_FILES * 2 : 1;
  const blobs = Array.from({ length: count }, (_, i) => noise(kind === 'small' ? 1000 + i : READ_AHEAD_MAX_BYTES * 8, i + 1));
  const paths = new Map<Digest, string>();
  for (const [i, blob] of blobs.entries()) {
    const path = join(dir, `f${i}`);
    await writeFile(path, blob);
    // Times an hour back, so any write from here on gives the file other times, however fast.
    const past = new Date(Date.now() - 3_600_000);
    await utimes(path, past, past);
    paths.set(digestOf(blob), path);
  }
  const stamps = new Map([...paths].map(([digest, path]) => [digest, stampOf(path)]));
  const entries = blobs.map((b) => ({ digest: digestOf(b), size: b.length }));
  const write = (o: { planned?: (d: Digest) => Digest; onProgress?: (n: number) => void } = {}) => writeVolume({
    dir: join(dir, 'out'), bundleId: ID, channel: CHANNEL, sequence: SEQUENCE, number: 1, compression: 'zstd', threads: 1,
    entries, open: async () => { throw new Error('files are read by path'); },
    pathOf: (d) => paths.get(d), settledOf: (d) => stamps.get(d), expectedDigest: o.planned ?? ((d) => d),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  const target = entries[count >> 1]!;
  return { dir, entries, paths, stamps, write, target, targetPath: paths.get(target.digest)! };
}

describe.each(['small', 'large'] as const)('packing %s files by their settled stamp', (kind) => {
  it('packs them byte for byte', async () => {
    const { dir, entries, write } = await settledFiles(kind);
    const written = await write();
    await verifyWrittenVolume(join(dir, 'out'), written, entries);
  });

  it('does not hash a file whose stamp held, so a wrong planned digest goes unseen here (the import hashes every blob)', async () => {
    const { write, target } = await settledFiles(kind);
    const other = digestOf(Buffer.from('other bytes'));
    const planned = (d: Digest): Digest => (d === target.digest ? other : d);
    await expect(write({ planned })).resolves.toMatchObject({ number: 1 });
  });

  it('a file rewritten with other bytes of the same size since it was stamped is hashed and refused: DIGEST_MISMATCH, no volume left', async () => {
    const { dir, write, target, targetPath } = await settledFiles(kind);
    await writeFile(targetPath, noise(target.size, 999));
    await expectCode(write(), 'DIGEST_MISMATCH');
    expect(await readdir(join(dir, 'out'))).toEqual([]);
  });

  it('a file only touched since it was stamped is hashed, found unchanged, and packed', async () => {
    const { write, targetPath } = await settledFiles(kind);
    const later = new Date(Date.now() + 60_000);
    await utimes(targetPath, later, later);
    await expect(write()).resolves.toMatchObject({ number: 1 });
  });
});

describe('a settled file that changes while it is packed', () => {
  it('is refused with DIGEST_MISMATCH even when its bytes stay the same: the stamp no longer vouches for what was read', async () => {
    const { dir, write, targetPath } = await settledFiles('large');
    let touched = false;
    const rewriteFirstByte = (): void => {
      if (touched) return;
      touched = true;
      const fd = openSync(targetPath, 'r+');
      const first = Buffer.alloc(1);
      try {
        // The same byte again: only the file's times move.
        readSync(fd, first, 0, 1, 0);
        writeSync(fd, first, 0, 1, 0);
      } finally {
        closeSync(fd);
      }
    };
    await expectCode(write({ onProgress: rewriteFirstByte }), 'DIGEST_MISMATCH');
    expect(touched).toBe(true);
    expect(await readdir(join(dir, 'out'))).toEqual([]);
  });
});
