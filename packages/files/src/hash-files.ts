import { asAirlockError, hashFilesParallel, type Digest, type Progress } from '@airlock/core';
import type { DigestCache } from './digest-cache.js';
import type { LocalFile } from './walk-tree.js';

export interface HashedFile {
  file: LocalFile;
  digest: Digest;
  size: number;
}

/** Digests every file, on every core, reusing cached digests for files whose identity is unchanged. */
export async function hashFiles(files: LocalFile[], cache: DigestCache, progress: Progress, label: string): Promise<HashedFile[]> {
  const total = files.reduce((sum, f) => sum + f.size, 0);
  const task = progress.task(`hash ${label}`, total, 'bytes');
  try {
    const digests = new Map<LocalFile, { digest: Digest; size: number }>();
    const uncached: LocalFile[] = [];
    for (const file of files) {
      const cached = cache.lookup(file);
      if (cached === undefined) {
        uncached.push(file);
        continue;
      }
      digests.set(file, { digest: cached, size: file.size });
      task.advance(file.size);
    }
    const outcomes = await hashFilesParallel(uncached.map((f) => ({ path: f.abs, size: f.size })), (bytes) => task.advance(bytes));
    outcomes.forEach((outcome, i) => {
      const file = uncached[i] as LocalFile;
      if ('error' in outcome) throw asAirlockError(outcome.error, 'IO_ERROR', `cannot read ${file.abs}`);
      // A file that changed while it was read is not cached; packing re-verifies it anyway.
      if (outcome.size === file.size) cache.remember(file, outcome.digest);
      digests.set(file, outcome);
    });
    return files.map((file) => ({ file, ...(digests.get(file) as { digest: Digest; size: number }) }));
  } finally {
    task.done();
  }
}
