import type { Digest } from './digest.js';
import { ListedFileHasher } from './hash-listed-files.js';

export interface FileToHash {
  path: string;
  /** The size seen when the file was listed; it shapes the progress. */
  size: number;
}

export type HashOutcome = { digest: Digest; size: number } | { error: Error };

/**
 * Hashes many local files, on every core once there are enough of them (see ListedFileHasher;
 * a symlink at a path given is followed). Results come back in input order; a file that cannot be
 * read has an error in its place. `onBatch` reports progress in the sizes given.
 */
export async function hashFilesParallel(files: FileToHash[], onBatch?: (bytes: number) => void): Promise<HashOutcome[]> {
  const hasher = new ListedFileHasher((count, start) => {
    let bytes = 0;
    for (let i = start; i < start + count; i++) bytes += (files[i] as FileToHash).size;
    onBatch?.(bytes);
  });
  for (const file of files) hasher.add({ path: file.path, follow: true });
  return (await hasher.finish()).map((outcome) => ('error' in outcome ? outcome : { digest: outcome.digest as Digest, size: outcome.size }));
}
