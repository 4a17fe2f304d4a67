import { asAirlockError, hashFile, type Digest, type Progress } from '@airlock/core';
import { mapConcurrent } from '@airlock/fetch';
import type { DigestCache } from './digest-cache.js';
import type { LocalFile } from './walk-tree.js';

const HASH_CONCURRENCY = 4;

export interface HashedFile {
  file: LocalFile;
  digest: Digest;
  size: number;
}

/** Digests every file, streaming, reusing cached digests for files whose identity is unchanged. */
export async function hashFiles(files: LocalFile[], cache: DigestCache, progress: Progress, label: string): Promise<HashedFile[]> {
  const total = files.reduce((sum, f) => sum + f.size, 0);
  const task = progress.task(`hash ${label}`, total, 'bytes');
  try {
    return await mapConcurrent(files, HASH_CONCURRENCY, async (file) => {
      const cached = cache.lookup(file);
      if (cached !== undefined) {
        task.advance(file.size);
        return { file, digest: cached, size: file.size };
      }
      const found = await hashFile(file.abs).catch((err: unknown) => {
        throw asAirlockError(err, 'IO_ERROR', `cannot read ${file.abs}`);
      });
      // A file that changed while it was read is not cached; packing re-verifies it anyway.
      if (found.size === file.size) cache.remember(file, found.digest);
      task.advance(file.size);
      return { file, digest: found.digest, size: found.size };
    });
  } finally {
    task.done();
  }
}
