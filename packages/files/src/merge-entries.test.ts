import { describe, expect, it } from 'vitest';
import { silentProgress } from '@airlock/core';
import { expectCodeSync } from '@airlock/test-utils';
import { mergeEntries, parentDirs, type OriginEntry } from './merge-entries.js';

const DIGEST = `sha256:${'c'.repeat(64)}` as const;
const file = (path: string, origin = 'tree'): OriginEntry => ({ entry: { digest: DIGEST, mode: 0o644, path, size: 1, type: 'file' }, origin });
const dir = (path: string, origin = 'tree'): OriginEntry => ({ entry: { mode: 0o755, path, type: 'dir' }, origin });

describe('mergeEntries', () => {
  it('sorts the merged tree and lets an implicit parent directory yield to a real one', () => {
    const merged = mergeEntries('s', [file('b'), ...parentDirs('a/x/y', 'url'), file('a/x/y', 'url'), dir('a')], silentProgress);
    expect(merged.map((e) => e.path)).toEqual(['a', 'a/x', 'a/x/y', 'b']);
  });

  it('lists every entry under a file or a symlink, with the shallowest one it lies under', () => {
    const link: OriginEntry = { entry: { path: 'l', target: 'b', type: 'symlink' }, origin: 'tree' };
    const error = expectCodeSync(() => mergeEntries('s', [file('f'), link, ...parentDirs('f/deep/x', 'url'), file('f/deep/x', 'url'), file('l/y', 'url2')], silentProgress), 'CONFIG_INVALID');
    const problems = (error.details as { problems: Array<{ path: string; message: string }> }).problems;
    expect(problems.filter((p) => p.message.includes('lies under f,')).map((p) => p.path).sort()).toEqual(['f/deep', 'f/deep/x']);
    expect(problems.filter((p) => p.message.includes('lies under l,')).map((p) => p.path)).toEqual(['l/y']);
  });
});
