import { parentPort } from 'node:worker_threads';
import { errorForTransfer } from '@airlock/core';
import { computeClosure, type ClosureInput } from './closure-job.js';

/** The worker thread of closure-off-thread.ts: one closure, then the thread ends. */
const port = parentPort;
if (!port) throw new Error('closure-worker runs as a worker thread');

port.once('message', (input: ClosureInput) => {
  computeClosure(input).then(
    (outcome) => port.postMessage({ outcome }),
    (err: unknown) => port.postMessage({ error: errorForTransfer(err, 'IO_ERROR', 'cannot read the indexes for the dependency closure') }),
  );
});
