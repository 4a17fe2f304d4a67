import { availableParallelism } from 'node:os';
import { SharedWorker, workerScript } from './shared-worker.js';

let pool: SharedWorker[] | undefined;

/** One hash worker per core, shared by every hashing job of the process; started on first use. */
export function hashWorkers(): SharedWorker[] {
  pool ??= Array.from({ length: Math.max(1, availableParallelism()) }, () => new SharedWorker(workerScript(import.meta.url, 'hash-worker')));
  return pool;
}

/** Ends the threads (they hold memory the work that follows can use better); they start again when needed. */
export async function stopHashWorkers(): Promise<void> {
  if (pool) await Promise.all(pool.map((worker) => worker.stop()));
}
