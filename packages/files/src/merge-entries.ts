import { invalid, type FieldProblem, type Progress } from '@airlock/core';
import { ancestorsOf, blockingAncestor, comparePaths } from './tree-paths.js';
import type { FilesEntry } from './types.js';

export interface OriginEntry {
  entry: FilesEntry;
  /** Where the entry came from (a configured path or URL), for conflict messages. */
  origin: string;
  /** A parent directory implied by a nested URL target: it yields to any real one. */
  implicit?: boolean;
}

/**
 * Combines entries from every configured path and URL into one sorted tree. Directories with the
 * same path merge (the first one's mode wins, with a warning if they differ); any other repeated
 * path, or an entry under a file or symlink, is a CONFIG_INVALID listing every clash.
 */
export function mergeEntries(sourceName: string, items: OriginEntry[], progress: Progress): FilesEntry[] {
  const byPath = new Map<string, OriginEntry>();
  const problems: FieldProblem[] = [];
  for (const item of items) {
    const { path } = item.entry;
    const earlier = byPath.get(path);
    if (earlier === undefined) {
      byPath.set(path, item);
    } else if (earlier.entry.type === 'dir' && item.entry.type === 'dir') {
      if (earlier.implicit) byPath.set(path, item);
      else if (!item.implicit && earlier.entry.mode !== item.entry.mode) {
        progress.warn(`directory ${path} comes from ${earlier.origin} and ${item.origin} with different modes; keeping ${earlier.entry.mode.toString(8)}`);
      }
    } else {
      problems.push({ path, message: `given twice: by ${earlier.origin} and by ${item.origin}` });
    }
  }
  for (const { entry, origin } of byPath.values()) {
    const blocker = blockingAncestor(entry.path, (a) => {
      const t = byPath.get(a)?.entry.type;
      return t === 'file' || t === 'symlink';
    });
    if (blocker !== undefined) problems.push({ path: entry.path, message: `from ${origin} lies under ${blocker}, which is not a directory` });
  }
  if (problems.length > 0) throw invalid('CONFIG_INVALID', `files source ${JSON.stringify(sourceName)}`, problems);
  return [...byPath.values()].map((i) => i.entry).sort((a, b) => comparePaths(a.path, b.path));
}

/** Directory entries (mode 0755) for the parents of `path` that nothing else provides. */
export function parentDirs(path: string, origin: string): OriginEntry[] {
  return ancestorsOf(path).map((p) => ({ entry: { mode: 0o755, path: p, type: 'dir' }, origin, implicit: true }));
}
