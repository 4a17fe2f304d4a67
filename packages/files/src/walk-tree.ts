import { lstatSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { symlinkTargetProblem, tidySymlinkTarget } from './tree-paths.js';

/** A regular file found on disk, with what the digest cache keys on. */
export interface LocalFile {
  kind: 'file';
  path: string;
  abs: string;
  size: number;
  mode: number;
  mtimeMs: number;
  ino: number;
}

export type WalkedEntry =
  | LocalFile
  | { kind: 'dir'; path: string; mode: number }
  | { kind: 'symlink'; path: string; target: string };

export function localFile(path: string, abs: string, info: Stats): LocalFile {
  return { kind: 'file', path, abs, size: info.size, mode: info.mode & 0o7777, mtimeMs: info.mtimeMs, ino: info.ino };
}

/** Entries listed between yields to the event loop (progress output, timers). */
const YIELD_EVERY = 2048;

/**
 * Lists everything under `root` depth-first in sorted name order, paths relative to `root`.
 * Symlinks that leave the tree, special files and names that are not valid UTF-8 are skipped,
 * each with a warning naming it. The directory calls are synchronous: a tree of 100,000 files
 * costs that many lstat calls, and a round trip through the thread pool each would cost more.
 */
export async function walkTree(root: string, warn: (message: string) => void): Promise<WalkedEntry[]> {
  const found: WalkedEntry[] = [];
  await walkDir(root, '', found, warn, { sinceYield: 0 });
  return found;
}

async function walkDir(abs: string, rel: string, found: WalkedEntry[], warn: (message: string) => void, pace: { sinceYield: number }): Promise<void> {
  const raw = readdirSync(abs, { encoding: 'buffer' });
  const names = raw.flatMap((bytes) => {
    const name = bytes.toString('utf8');
    if (Buffer.from(name, 'utf8').equals(bytes)) return [name];
    warn(`skipping ${join(abs, bytes.toString('latin1'))}: its name is not valid UTF-8`);
    return [];
  });
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    const childAbs = join(abs, name);
    const childRel = rel === '' ? name : `${rel}/${name}`;
    if (++pace.sinceYield >= YIELD_EVERY) {
      pace.sinceYield = 0;
      await yieldToEventLoop();
    }
    const info = lstatSync(childAbs);
    if (info.isFile()) {
      found.push(localFile(childRel, childAbs, info));
    } else if (info.isDirectory()) {
      found.push({ kind: 'dir', path: childRel, mode: info.mode & 0o7777 });
      await walkDir(childAbs, childRel, found, warn, pace);
    } else if (info.isSymbolicLink()) {
      const target = tidySymlinkTarget(readlinkSync(childAbs));
      const problem = symlinkTargetProblem(childRel, target);
      if (problem === undefined) found.push({ kind: 'symlink', path: childRel, target });
      else warn(`skipping symlink ${childAbs} -> ${target}: ${problem}`);
    } else {
      warn(`skipping ${childAbs}: a ${specialKind(info)}, not a regular file, directory or symlink`);
    }
  }
}

function specialKind(info: Stats): string {
  if (info.isFIFO()) return 'fifo';
  if (info.isSocket()) return 'socket';
  if (info.isBlockDevice()) return 'block device';
  if (info.isCharacterDevice()) return 'character device';
  return 'special file';
}
