import { availableParallelism } from 'node:os';
import { hashListedFileSync, type ListedFile, type ListedHash } from './hash-listed-file.js';
import { hashWorkers, stopHashWorkers } from './hash-pool.js';
import type { SharedWorker } from './shared-worker.js';
import { errorFromTransfer, type TransferredError } from './transfer-error.js';

export type ListedOutcome = ListedHash | { error: Error };

/** Files hashed on the calling thread before the workers are started: small trees never start them. */
const INLINE_MAX_FILES = 256;
const INLINE_MAX_BYTES = 64 << 20;
/** Batches aim at this many bytes (from the sizes seen so far) and hold 1 to BATCH_MAX_FILES files. */
const BATCH_BYTES = 16 << 20;
const BATCH_MAX_FILES = 256;
const FIRST_BATCH_FILES = 16;

/**
 * Stats and digests files found by listing directories (see hashListedFileSync), in input order,
 * a file that cannot be read with its error in its place. The sizes are not known beforehand, so
 * the first files are hashed here and the rest go to one worker per core in batches sized by the
 * bytes per file seen so far. `onFiles` reports progress in files.
 */
export async function hashListedFiles(files: ListedFile[], onFiles?: (count: number) => void): Promise<ListedOutcome[]> {
  const results: ListedOutcome[] = new Array(files.length);
  const seen = { files: 0, bytes: 0 };
  const record = (at: number, outcome: ListedOutcome): void => {
    results[at] = outcome;
    seen.files++;
    if (!('error' in outcome)) seen.bytes += outcome.digest === undefined ? 0 : outcome.size;
  };
  let next = 0;
  const inlineOnly = availableParallelism() < 2;
  for (; next < files.length && (inlineOnly || (next < INLINE_MAX_FILES && seen.bytes < INLINE_MAX_BYTES)); next++) {
    record(next, hashInline(files[next] as ListedFile));
    onFiles?.(1);
  }
  if (next === files.length) return results;
  const runOn = async (worker: SharedWorker): Promise<void> => {
    while (next < files.length) {
      const start = next;
      next = Math.min(files.length, start + batchFiles(seen));
      const outcomes = await hashBatch(worker, files.slice(start, next));
      outcomes.forEach((outcome, i) => record(start + i, outcome));
      onFiles?.(outcomes.length);
    }
  };
  try {
    await Promise.all(hashWorkers().flatMap((worker) => [runOn(worker), runOn(worker)]));
  } finally {
    await stopHashWorkers();
  }
  return results;
}

function batchFiles(seen: { files: number; bytes: number }): number {
  if (seen.files === 0) return FIRST_BATCH_FILES;
  const perFile = Math.max(1, seen.bytes / seen.files);
  return Math.max(1, Math.min(BATCH_MAX_FILES, Math.floor(BATCH_BYTES / perFile)));
}

function hashInline(file: ListedFile): ListedOutcome {
  try {
    return hashListedFileSync(file);
  } catch (err) {
    return { error: err instanceof Error ? err : new Error(String(err)) };
  }
}

function hashBatch(worker: SharedWorker, listed: ListedFile[]): Promise<ListedOutcome[]> {
  return new Promise((resolve, reject) => {
    const job = worker.open(
      (m) => {
        job.close();
        resolve((m.results as Array<ListedHash | { error: TransferredError }>).map((r) => ('error' in r ? { error: errorFromTransfer(r.error) } : r)));
      },
      (err) => reject(err),
    );
    job.post({ listed });
  });
}
