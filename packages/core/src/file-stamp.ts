/** What identifies a file's content without reading it: same size, mtime and inode, same bytes. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  ino: number;
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

/**
 * What a local file looked like when this run hashed it, kept only when the file had been still
 * for a while: then any later change to it (a write, a truncate, a replacement) gives it another
 * stamp, and packing can check the stamp instead of hashing the bytes a second time. The same
 * quick check git and rsync make, with git's guard against "racy" files: a file changed less
 * than SETTLE_MS before it was read may change again within the same timestamp tick, unseen, so
 * it gets no settled stamp and is hashed again while packed.
 */
export interface SettledStamp extends FileStamp {
  /** The kernel sets ctime on every change; no program can set it back as it can mtime. */
  ctimeMs: number;
}

/** Longer than the coarsest timestamps in use (FAT's 2 s), with a second of clock slack. */
export const SETTLE_MS = 3000;

/** The stamp of a file stat'ed at `now` (ms since the epoch), if it had been still for SETTLE_MS. */
export function settledStamp(info: SettledStamp, now: number): SettledStamp | undefined {
  if (now - Math.max(info.mtimeMs, info.ctimeMs) < SETTLE_MS) return undefined;
  return { size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs, ino: info.ino };
}

export function holdsStamp(info: SettledStamp, stamp: SettledStamp): boolean {
  return sameStamp(info, stamp) && info.ctimeMs === stamp.ctimeMs;
}
