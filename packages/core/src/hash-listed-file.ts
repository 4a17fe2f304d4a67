import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { Digest } from './digest.js';
import { AirlockError } from './errors.js';
import { sameStamp, settledStamp, type FileStamp, type SettledStamp } from './file-stamp.js';

/** A file found by listing a directory, not yet stat'ed. */
export interface ListedFile {
  path: string;
  /** Follow a symlink at `path` (a path the operator named); listed entries are never followed. */
  follow?: boolean;
  /** The stamp under which its digest is already known: if the file still has it, it is not read. */
  known?: FileStamp;
}

/** `digest` is absent when the file still had its `known` stamp; `size` is the bytes the digest covers. */
export interface ListedHash {
  stamp: FileStamp & { mode: number };
  digest?: Digest;
  size: number;
  /** Present when the digest was computed now, from the whole file, and the file had been still (see file-stamp.ts). */
  settled?: SettledStamp;
}

const CHUNK = 1 << 20;
let shared: Buffer | undefined;
// Non-blocking, so a file swapped for a FIFO after the listing cannot hang the open; it is refused below.
const NO_FOLLOW = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const FOLLOW = constants.O_RDONLY | constants.O_NONBLOCK;

/**
 * Opens a listed file, stats what it opened (one lookup, and the stamp is of the bytes read),
 * and digests up to the size it had then, so a file that keeps growing is read a bounded amount.
 */
export function hashListedFileSync(file: ListedFile): ListedHash {
  const fd = openListed(file);
  try {
    const info = fstatSync(fd);
    const statAt = Date.now();
    if (!info.isFile()) throw changed(file.path, 'it is no longer a regular file');
    const stamp = { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino, mode: info.mode };
    if (file.known && sameStamp(file.known, stamp)) return { stamp, size: stamp.size };
    const buffer = (shared ??= Buffer.allocUnsafe(CHUNK));
    const hash = createHash('sha256');
    let size = 0;
    for (let n = 1; size < stamp.size && n > 0; size += n) {
      n = readSync(fd, buffer, 0, Math.min(CHUNK, stamp.size - size), null);
      hash.update(buffer.subarray(0, n));
    }
    const digest: Digest = `sha256:${hash.digest('hex')}`;
    const settled = size === stamp.size ? settledStamp(info, statAt) : undefined;
    return settled ? { stamp, digest, size, settled } : { stamp, digest, size };
  } finally {
    closeSync(fd);
  }
}

function openListed(file: ListedFile): number {
  try {
    return openSync(file.path, file.follow ? FOLLOW : NO_FOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP' && !file.follow) throw changed(file.path, 'it is now a symlink');
    throw err;
  }
}

function changed(path: string, how: string): AirlockError {
  return new AirlockError('IO_ERROR', `${path} changed while it was being read (${how}); run the export again once the tree is still`, { details: { path } });
}
