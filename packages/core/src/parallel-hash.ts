import { availableParallelism } from 'node:os';
import type { Digest } from './digest.js';
import { hashFileSync } from './hash-file-sync.js';
import { hashWorkers, stopHashWorkers } from './hash-pool.js';
import type { SharedWorker } from './shared-worker.js';
import { errorFromTransfer, type TransferredError } from './transfer-error.js';

export interface FileToHash {
  path: string;
  /** The size seen when the file was listed; it shapes the batches and the progress. */
  size: number;
}

export type HashOutcome = { digest: Digest; size: number } | { error: Error };

/** Below this many bytes in all, hashing on the calling thread is quicker than starting workers. */
const PARALLEL_MIN_BYTES = 64 << 20;
/** A batch holds up to this many files or bytes: few messages for small files, fair shares for large ones. */
const BATCH_FILES = 256;
const BATCH_BYTES = 16 << 20;

/**
 * Hashes many local files, on every core: batches go to worker threads (each reads with one
 * reused buffer), at most two batches in flight per thread. Results come back in input order;
 * a file that cannot be read has an error in its place. `onBatch` reports progress in bytes.
 */
export async function hashFilesParallel(files: FileToHash[], onBatch?: (bytes: number) => void): Promise<HashOutcome[]> {
  const total = files.reduce((sum, f) => sum + f.size, 0);
  const threads = Math.max(1, availableParallelism());
  if (total < PARALLEL_MIN_BYTES || threads < 2) return hashInline(files, onBatch);
  const batches = batchesOf(files);
  const results: HashOutcome[] = new Array(files.length);
  let next = 0;
  const runOn = async (worker: SharedWorker): Promise<void> => {
    for (let b = next++; b < batches.length; b = next++) {
      const batch = batches[b] as { start: number; files: FileToHash[] };
      const outcomes = await hashBatch(worker, batch.files.map((f) => f.path));
      outcomes.forEach((o, i) => (results[batch.start + i] = o));
      onBatch?.(batch.files.reduce((sum, f) => sum + f.size, 0));
    }
  };
  try {
    await Promise.all(hashWorkers().flatMap((worker) => [runOn(worker), runOn(worker)]));
  } finally {
    await stopHashWorkers();
  }
  return results;
}

function hashInline(files: FileToHash[], onBatch?: (bytes: number) => void): HashOutcome[] {
  return files.map((f) => {
    let outcome: HashOutcome;
    try {
      outcome = hashFileSync(f.path);
    } catch (err) {
      outcome = { error: err instanceof Error ? err : new Error(String(err)) };
    }
    onBatch?.(f.size);
    return outcome;
  });
}

function batchesOf(files: FileToHash[]): Array<{ start: number; files: FileToHash[] }> {
  const batches: Array<{ start: number; files: FileToHash[] }> = [];
  let current: FileToHash[] = [];
  let bytes = 0;
  files.forEach((f, i) => {
    if (current.length > 0 && (current.length >= BATCH_FILES || bytes + f.size > BATCH_BYTES)) {
      batches.push({ start: i - current.length, files: current });
      current = [];
      bytes = 0;
    }
    current.push(f);
    bytes += f.size;
  });
  if (current.length > 0) batches.push({ start: files.length - current.length, files: current });
  return batches;
}

function hashBatch(worker: SharedWorker, paths: string[]): Promise<HashOutcome[]> {
  return new Promise((resolve, reject) => {
    const job = worker.open(
      (m) => {
        job.close();
        resolve((m.results as Array<{ digest: Digest; size: number } | { error: TransferredError }>).map((r) => ('error' in r ? { error: errorFromTransfer(r.error) } : r)));
      },
      (err) => reject(err),
    );
    job.post({ paths });
  });
}
