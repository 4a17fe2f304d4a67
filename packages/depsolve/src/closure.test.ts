import { describe, expect, it } from 'vitest';
import { resolveClosure, type Universe } from './closure.js';

interface Pkg {
  name: string;
  version: number;
  provides?: string[];
  deps?: string[][];
}

/** A tiny universe: requirement = a name, satisfied by that package or a provider, newest first. */
function universe(pkgs: Pkg[]): Universe<Pkg, string> {
  return {
    key: (p) => `${p.name}=${p.version}`,
    requirementsOf: (p) => p.deps ?? [],
    candidates: (name) => pkgs.filter((p) => p.name === name || p.provides?.includes(name)).sort((a, b) => b.version - a.version),
  };
}

describe('resolveClosure', () => {
  const pkgs: Pkg[] = [
    { name: 'app', version: 1, deps: [['lib'], ['mta'], ['editor-a', 'editor-b']] },
    { name: 'lib', version: 1 },
    { name: 'lib', version: 2, deps: [['base']] },
    { name: 'base', version: 1 },
    { name: 'postfix', version: 1, provides: ['mta'] },
    { name: 'editor-b', version: 1 },
    { name: 'broken', version: 1, deps: [['nothing-provides-this']] },
  ];

  it('follows a chain, picks the newest candidate, resolves virtual packages and the first satisfiable alternative', () => {
    const app = pkgs[0]!;
    const result = resolveClosure([app], universe(pkgs));
    expect(result.packages.map((p) => `${p.name}=${p.version}`)).toEqual(['app=1', 'lib=2', 'postfix=1', 'editor-b=1', 'base=1']);
    expect(result.unsatisfied).toEqual([]);
  });

  it('reports unsatisfiable requirements name by name instead of dropping them', () => {
    const result = resolveClosure([pkgs[6]!], universe(pkgs));
    expect(result.unsatisfied).toEqual([{ from: pkgs[6], requirement: ['nothing-provides-this'] }]);
  });

  it('does not add a second provider when a chosen package already satisfies the requirement', () => {
    const both: Pkg[] = [
      { name: 'a', version: 1, deps: [['mta']] },
      { name: 'exim', version: 1, provides: ['mta'] },
      { name: 'postfix', version: 9, provides: ['mta'] },
    ];
    const result = resolveClosure([both[0]!, both[1]!], universe(both));
    expect(result.packages.map((p) => p.name)).toEqual(['a', 'exim']);
  });

  it('terminates on dependency cycles', () => {
    const cyclic: Pkg[] = [
      { name: 'x', version: 1, deps: [['y']] },
      { name: 'y', version: 1, deps: [['x']] },
    ];
    expect(resolveClosure([cyclic[0]!], universe(cyclic)).packages).toHaveLength(2);
  });
});
