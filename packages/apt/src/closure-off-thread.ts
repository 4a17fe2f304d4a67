import { Worker } from 'node:worker_threads';
import { AirlockError, errorFromTransfer, workerScript, type TransferredError } from '@airlock/core';
import type { ClosureInput, ClosureOutcome } from './closure-job.js';

/**
 * The closure allocates a short-lived string or object for nearly every byte of the indexes; on
 * the main thread V8 lets the young generation grow to its default maximum for that, and the
 * process keeps the memory. A thread of its own with a small young generation does the same work
 * in a fraction of the memory, and gives it all back when it ends.
 */
const YOUNG_GENERATION_MB = 6;

/** computeClosure on a thread of its own. */
export function computeClosureOffThread(input: ClosureInput): Promise<ClosureOutcome> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerScript(import.meta.url, 'closure-worker'), { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    let settled = false;
    const settle = (outcome: ClosureOutcome | undefined, error?: AirlockError): void => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      if (outcome) resolve(outcome);
      else reject(error);
    };
    worker.once('message', (m: { outcome?: ClosureOutcome; error?: TransferredError }) =>
      settle(m.outcome, m.error ? errorFromTransfer(m.error) : new AirlockError('INTERNAL', "the dependency closure's thread answered without a closure; please report this")));
    worker.once('error', (err) => settle(undefined, new AirlockError('INTERNAL', `the dependency closure's thread failed (${err.message}); please report this`)));
    worker.once('exit', (code) => settle(undefined, new AirlockError('INTERNAL', `the dependency closure's thread ended (code ${code}) before it answered; please report this`)));
    worker.postMessage(input);
  });
}
