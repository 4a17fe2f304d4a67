import { isRecord, invalid, isDigest, type FieldProblem } from '@airlock/core';
import { blockingAncestor, relativePathProblem, symlinkTargetProblem } from './tree-paths.js';
import type { FilesCatalog, FilesEntry } from './types.js';

const MAX_PROBLEMS = 100;
const KEYS: Record<FilesEntry['type'], string[]> = {
  file: ['path', 'type', 'digest', 'size', 'mode'],
  dir: ['path', 'type', 'mode'],
  symlink: ['path', 'type', 'target'],
};

/**
 * Validates a catalog read back from a bundle (attacker-controlled until proven otherwise: publish
 * writes where it says). MANIFEST_INVALID lists every problem found, up to MAX_PROBLEMS.
 */
export function parseFilesCatalog(raw: unknown): FilesCatalog {
  const problems: FieldProblem[] = [];
  const report = (path: string, message: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push({ path, message });
  };
  if (!isRecord(raw)) throw invalid('MANIFEST_INVALID', 'files catalog', [{ path: '', message: 'must be an object' }]);
  for (const key of Object.keys(raw)) if (key !== 'version' && key !== 'entries') report(key, 'unknown key');
  if (raw.version !== 1) report('version', 'must be 1');
  if (!Array.isArray(raw.entries)) report('entries', 'must be a list');

  const entries = Array.isArray(raw.entries) ? (raw.entries as unknown[]) : [];
  const byPath = new Map<string, FilesEntry['type']>();
  entries.forEach((entry, i) => {
    const at = `entries[${i}]`;
    if (!isRecord(entry)) return report(at, 'must be an object');
    const type = entry.type;
    if (type !== 'file' && type !== 'dir' && type !== 'symlink') return report(`${at}.type`, 'must be "file", "dir" or "symlink"');
    for (const key of Object.keys(entry)) if (!KEYS[type].includes(key)) report(`${at}.${key}`, `unknown key for a ${type}`);
    const pathProblem = relativePathProblem(entry.path);
    if (pathProblem !== undefined) return report(`${at}.path`, pathProblem);
    const path = entry.path as string;
    if (byPath.has(path)) report(`${at}.path`, `${JSON.stringify(path)} appears more than once`);
    else byPath.set(path, type);
    if (type === 'file') {
      if (!isDigest(entry.digest)) report(`${at}.digest`, 'must be sha256:<64 lowercase hex>');
      if (!Number.isSafeInteger(entry.size) || (entry.size as number) < 0) report(`${at}.size`, 'must be a whole number of bytes');
    }
    if (type !== 'symlink' && !isMode(entry.mode)) report(`${at}.mode`, 'must be an integer from 0 to 0o7777');
    if (type === 'symlink') {
      const targetProblem = symlinkTargetProblem(path, entry.target);
      if (targetProblem !== undefined) report(`${at}.target`, targetProblem);
    }
  });

  // Nothing may sit under a file or a symlink: writing through a symlink could leave the tree.
  entries.forEach((entry, i) => {
    if (!isRecord(entry) || typeof entry.path !== 'string' || relativePathProblem(entry.path) !== undefined) return;
    const blocker = blockingAncestor(entry.path, (a) => {
      const type = byPath.get(a);
      return type === 'file' || type === 'symlink';
    });
    if (blocker !== undefined) report(`entries[${i}].path`, `lies under ${JSON.stringify(blocker)}, which is a ${byPath.get(blocker)}`);
  });

  if (problems.length > 0) {
    if (problems.length === MAX_PROBLEMS) problems.push({ path: '', message: 'more problems were not listed' });
    throw invalid('MANIFEST_INVALID', 'files catalog', problems);
  }
  return { version: 1, entries: entries as FilesEntry[] };
}

function isMode(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 0o7777;
}
