import { posix } from 'node:path';

const MAX_PATH_LENGTH = 4096;

/** Why `path` is not a safe relative POSIX path inside the tree, or undefined when it is. */
export function relativePathProblem(path: unknown): string | undefined {
  if (typeof path !== 'string') return 'must be a string';
  if (path === '') return 'must not be empty';
  if (path.length > MAX_PATH_LENGTH) return `must be at most ${MAX_PATH_LENGTH} characters`;
  if (path.includes('\0')) return 'must not contain NUL';
  if (path.startsWith('/')) return 'must be relative (no leading "/")';
  if (path.split('/').some((s) => s === '' || s === '.' || s === '..')) return 'must not contain empty, "." or ".." segments';
  return undefined;
}

/** Why `name` cannot be a single file name, or undefined when it can. */
export function fileNameProblem(name: string): string | undefined {
  if (name === '' || name === '.' || name === '..') return 'is not a file name';
  if (name.includes('/') || name.includes('\0')) return 'must be a plain file name (no "/" or NUL)';
  return undefined;
}

/**
 * Why a symlink at `linkPath` may not point at `target`, or undefined when it stays inside the tree.
 * Targets must be canonical: some `..` segments, then plain names. A `..` after a name is refused
 * because `dir/..` leaves the tree when `dir` is itself a symlink to somewhere shallower.
 * Each link is then resolved from its own real directory, so no chain of links can escape.
 */
export function symlinkTargetProblem(linkPath: string, target: unknown): string | undefined {
  if (typeof target !== 'string') return 'must be a string';
  if (target === '') return 'must not be empty';
  if (target.length > MAX_PATH_LENGTH) return `must be at most ${MAX_PATH_LENGTH} characters`;
  if (target.includes('\0')) return 'must not contain NUL';
  if (target.startsWith('/')) return 'must be relative; absolute targets point outside the tree';
  if (target === '.') return undefined;
  const segments = target.split('/');
  const ups = segments.findIndex((s) => s !== '..');
  const upCount = ups === -1 ? segments.length : ups;
  if (segments.slice(upCount).some((s) => s === '' || s === '.' || s === '..')) return 'must be canonical: leading ".." segments, then plain names';
  const depth = posix.dirname(linkPath) === '.' ? 0 : posix.dirname(linkPath).split('/').length;
  if (upCount > depth) return 'points outside the tree';
  return undefined;
}

/** Drops `.` and empty segments from a symlink target (always safe); keeps everything else for the check. */
export function tidySymlinkTarget(target: string): string {
  if (target.startsWith('/')) return target;
  const kept = target.split('/').filter((s) => s !== '' && s !== '.');
  return kept.length === 0 ? '.' : kept.join('/');
}

/** Proper ancestors of a relative path: `a/b/c` → `a`, `a/b`. */
export function ancestorsOf(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

/** The shallowest proper ancestor of `path` that `blocks`, without building the list of ancestors. */
export function blockingAncestor(path: string, blocks: (ancestor: string) => boolean): string | undefined {
  for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
    const ancestor = path.slice(0, slash);
    if (blocks(ancestor)) return ancestor;
  }
  return undefined;
}

export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
