import { parentPort } from 'node:worker_threads';
import { errorForTransfer } from './transfer-error.js';
import { hashFileSync } from './hash-file-sync.js';
import { hashListedFileSync, type ListedFile } from './hash-listed-file.js';
import type { JobMessage } from './shared-worker.js';

/** The worker thread of parallel-hash.ts and hash-listed-files.ts: hashes the files of each batch it is sent, in order. */
const port = parentPort;
if (!port) throw new Error('hash-worker runs as a worker thread');

port.on('message', (m: JobMessage) => {
  const results = m.listed
    ? (m.listed as ListedFile[]).map((file) => attempt(file.path, () => hashListedFileSync(file)))
    : (m.paths as string[]).map((path) => attempt(path, () => hashFileSync(path)));
  port.postMessage({ job: m.job, results });
});

function attempt<T>(path: string, hash: () => T): T | { error: ReturnType<typeof errorForTransfer> } {
  try {
    return hash();
  } catch (err) {
    return { error: errorForTransfer(err, 'IO_ERROR', `cannot read ${path}`) };
  }
}
