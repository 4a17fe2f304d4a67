import { parentPort } from 'node:worker_threads';
import { errorForTransfer } from './transfer-error.js';
import { hashListedFileSync, type ListedFile } from './hash-listed-file.js';
import type { JobMessage } from './shared-worker.js';

/** The worker thread of hash-listed-files.ts: stats and hashes the files of each batch it is sent, in order. */
const port = parentPort;
if (!port) throw new Error('hash-worker runs as a worker thread');

port.on('message', (m: JobMessage) => {
  const results = (m.listed as ListedFile[]).map((file) => {
    try {
      return hashListedFileSync(file);
    } catch (err) {
      return { error: errorForTransfer(err, 'IO_ERROR', `cannot read ${file.path}`) };
    }
  });
  port.postMessage({ job: m.job, results });
});
