import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import type { Digest } from './digest.js';

const CHUNK = 1 << 20;
let shared: Buffer | undefined;

/**
 * Digest and size of a local file, read synchronously into one reused buffer: for the many-file
 * walks of the export side, where a stream and its fresh buffers per file cost more than the read.
 */
export function hashFileSync(path: string): { digest: Digest; size: number } {
  const buffer = (shared ??= Buffer.allocUnsafe(CHUNK));
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  let size = 0;
  try {
    for (let n = readSync(fd, buffer, 0, CHUNK, null); n > 0; n = readSync(fd, buffer, 0, CHUNK, null)) {
      hash.update(buffer.subarray(0, n));
      size += n;
    }
  } finally {
    closeSync(fd);
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}
