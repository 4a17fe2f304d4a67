import { parentPort } from 'node:worker_threads';
import { errorForTransfer } from './transfer-error.js';
import { hashFileSync } from './hash-file-sync.js';
import type { JobMessage } from './shared-worker.js';

/** The worker thread of parallel-hash.ts: hashes the files of each batch it is sent, in order. */
const port = parentPort;
if (!port) throw new Error('hash-worker runs as a worker thread');

port.on('message', (m: JobMessage) => {
  const results = (m.paths as string[]).map((path) => {
    try {
      return hashFileSync(path);
    } catch (err) {
      return { error: errorForTransfer(err, 'IO_ERROR', `cannot read ${path}`) };
    }
  });
  port.postMessage({ job: m.job, results });
});
