import { AirlockError, asAirlockError, hashListedFiles, type Digest, type ListedFile, type Progress } from '@airlock/core';
import type { DigestCache } from './digest-cache.js';
import type { FoundFile } from './walk-tree.js';

export interface HashedFile {
  file: FoundFile;
  digest: Digest;
  /** The bytes the digest covers. */
  size: number;
  /** Permission bits, as the file had them when it was opened. */
  mode: number;
}

/**
 * Opens, stats and digests every file, on every core; a file whose stat still matches a cached
 * digest is not read again.
 */
export async function hashFiles(files: FoundFile[], cache: DigestCache, progress: Progress, label: string): Promise<HashedFile[]> {
  const task = progress.task(`hash ${label}`, files.length, 'items');
  try {
    const listed = files.map((f): ListedFile => {
      const known = cache.stampOf(f.abs);
      return { path: f.abs, ...(f.follow ? { follow: true } : {}), ...(known ? { known } : {}) };
    });
    const outcomes = await hashListedFiles(listed, (count) => task.advance(count));
    return outcomes.map((outcome, i) => {
      const file = files[i] as FoundFile;
      if ('error' in outcome) throw asAirlockError(outcome.error, 'IO_ERROR', `cannot read ${file.abs}`);
      const identity = { abs: file.abs, ...outcome.stamp };
      let digest = outcome.digest;
      if (digest === undefined) {
        digest = cache.lookup(identity);
        if (digest === undefined) throw new AirlockError('INTERNAL', `the digest cache lost ${file.abs} while it was hashed; please report this`);
      } else if (outcome.size === outcome.stamp.size) {
        // A file that changed while it was read is not cached; packing re-verifies it anyway.
        cache.remember(identity, digest);
      }
      return { file, digest, size: outcome.size, mode: outcome.stamp.mode & 0o7777 };
    });
  } finally {
    task.done();
  }
}
