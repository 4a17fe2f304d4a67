import { lstatSync, readdirSync, readlinkSync, type Dirent, type Stats } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { comparePaths, symlinkTargetProblem, tidySymlinkTarget } from './tree-paths.js';

/** A regular file found in a listing; it is stat'ed when it is opened to be hashed. */
export interface FoundFile {
  kind: 'file';
  path: string;
  abs: string;
  /** A configured path the operator named: a symlink there is followed. */
  follow?: boolean;
}

export type WalkedEntry =
  | FoundFile
  | { kind: 'dir'; path: string; mode: number }
  | { kind: 'symlink'; path: string; target: string };

/** Entries listed between yields to the event loop (progress output, the hash workers' results). */
const YIELD_EVERY = 512;

/**
 * Lists everything under `root` depth-first in sorted name order, paths relative to `root`;
 * `onFile` sees each regular file as it is found (hashing starts while the walk goes on).
 * Symlinks that leave the tree, special files and names that are not valid UTF-8 are skipped,
 * each with a warning naming it. Entry types come from the directory listing, so regular files
 * are not stat'ed here (the hashing opens and stats each once); only directories, and entries
 * of filesystems that do not report types, are. The calls are synchronous: a round trip through
 * the thread pool per entry would cost more than the call.
 */
export async function walkTree(root: string, warn: (message: string) => void, onFile?: (file: FoundFile) => void): Promise<WalkedEntry[]> {
  const found: WalkedEntry[] = [];
  await walkDir(root, '', { found, warn, onFile, sinceYield: 0 });
  return found;
}

interface Walk {
  found: WalkedEntry[];
  warn(message: string): void;
  onFile: ((file: FoundFile) => void) | undefined;
  sinceYield: number;
}

async function walkDir(abs: string, rel: string, walk: Walk): Promise<void> {
  const { found, warn } = walk;
  const listed = listDir(abs, warn);
  for (const entry of listed) {
    const { name } = entry;
    // `abs` is absolute and normalised, and a listed name is never empty, "." or "..", nor has a "/".
    const childAbs = abs.endsWith('/') ? abs + name : `${abs}/${name}`;
    const childRel = rel === '' ? name : `${rel}/${name}`;
    if (++walk.sinceYield >= YIELD_EVERY) {
      walk.sinceYield = 0;
      await yieldToEventLoop();
    }
    const info = entry.isFile() || entry.isSymbolicLink() ? undefined : lstatSync(childAbs);
    const kind = info ? kindOf(info) : entry.isFile() ? 'file' : 'symlink';
    if (kind === 'file') {
      const file: FoundFile = { kind: 'file', path: childRel, abs: childAbs };
      found.push(file);
      walk.onFile?.(file);
    } else if (kind === 'dir') {
      found.push({ kind: 'dir', path: childRel, mode: (info as Stats).mode & 0o7777 });
      await walkDir(childAbs, childRel, walk);
    } else if (kind === 'symlink') {
      const target = tidySymlinkTarget(readlinkSync(childAbs));
      const problem = symlinkTargetProblem(childRel, target);
      if (problem === undefined) found.push({ kind: 'symlink', path: childRel, target });
      else warn(`skipping symlink ${childAbs} -> ${target}: ${problem}`);
    } else {
      warn(`skipping ${childAbs}: a ${kind}, not a regular file, directory or symlink`);
    }
  }
}

/**
 * The entries of a directory in sorted name order, without those whose names are not valid UTF-8
 * (each with a warning). Names are decoded as UTF-8, which turns bytes that are not into U+FFFD;
 * only a listing with that character in it is read again as bytes, to tell a bad name from a good
 * one that contains U+FFFD itself.
 */
function listDir(abs: string, warn: (message: string) => void): ListedEntry[] {
  const entries: ListedEntry[] = readdirSync(abs, { withFileTypes: true });
  if (entries.some((e) => e.name.includes(REPLACEMENT))) return listDirAsBytes(abs, warn);
  return entries.sort((a, b) => comparePaths(a.name, b.name));
}

/** What the walk reads of a listed entry: its (decoded) name and type. */
type ListedEntry = Pick<Dirent, 'name' | 'isFile' | 'isSymbolicLink'>;

const REPLACEMENT = '\uFFFD';

function listDirAsBytes(abs: string, warn: (message: string) => void): ListedEntry[] {
  const listed: ListedEntry[] = [];
  for (const entry of readdirSync(abs, { withFileTypes: true, encoding: 'buffer' })) {
    const name = entry.name.toString('utf8');
    if (!Buffer.from(name, 'utf8').equals(entry.name)) {
      warn(`skipping ${join(abs, entry.name.toString('latin1'))}: its name is not valid UTF-8`);
      continue;
    }
    listed.push({ name, isFile: () => entry.isFile(), isSymbolicLink: () => entry.isSymbolicLink() });
  }
  return listed.sort((a, b) => comparePaths(a.name, b.name));
}

/** 'file', 'dir', 'symlink', or the name of a special file's kind for the warning. */
function kindOf(info: Stats): string {
  if (info.isFile()) return 'file';
  if (info.isDirectory()) return 'dir';
  if (info.isSymbolicLink()) return 'symlink';
  if (info.isFIFO()) return 'fifo';
  if (info.isSocket()) return 'socket';
  if (info.isBlockDevice()) return 'block device';
  if (info.isCharacterDevice()) return 'character device';
  return 'special file';
}
