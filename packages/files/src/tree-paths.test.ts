import { describe, expect, it } from 'vitest';
import { ancestorsOf, blockingAncestor } from './tree-paths.js';

describe('blockingAncestor', () => {
  it('finds the shallowest ancestor that blocks, as a search of ancestorsOf would', () => {
    const blockers = new Set(['a/b', 'a/b/c', 'x']);
    const blocks = (p: string) => blockers.has(p);
    for (const path of ['a', 'a/b', 'a/b/c', 'a/b/c/d', 'a/bc/d', 'x/y', 'xy/z', 'q/r/s/t']) {
      expect(blockingAncestor(path, blocks), path).toBe(ancestorsOf(path).find(blocks));
    }
    expect(blockingAncestor('a/b/c/d', blocks)).toBe('a/b');
    expect(blockingAncestor('x', blocks)).toBeUndefined();
  });
});
