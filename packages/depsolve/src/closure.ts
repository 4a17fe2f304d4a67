/**
 * The dependency closure both package formats need (apt and rpm), independent of their version
 * rules and metadata: a package manager plugs in how requirements are read and satisfied.
 *
 * The walk follows aptly's `-filter-with-deps`: start from the requested packages, then, for
 * every requirement of every chosen package that no chosen package satisfies yet, take the first
 * alternative that has a candidate and choose its best candidate (candidates come best-first, so
 * "newest satisfying version" and arch preference are the universe's ordering).
 */
export interface Universe<P, R> {
  /** Stable identity of a package (name + version + arch), used to choose each package once. */
  key(pkg: P): string;
  /** Requirements of a package; each is a list of alternatives (`a | b` in apt, rich deps in rpm). */
  requirementsOf(pkg: P): R[][];
  /** Packages satisfying one alternative, best first. Empty when nothing can satisfy it. */
  candidates(requirement: R): P[];
}

export interface Unsatisfied<P, R> {
  /** The package whose requirement could not be met. */
  from: P;
  /** The requirement, as its list of alternatives. */
  requirement: R[];
}

export interface Closure<P, R> {
  /** Every chosen package, roots first, then in the order they were pulled in. */
  packages: P[];
  unsatisfied: Array<Unsatisfied<P, R>>;
}

export function resolveClosure<P, R>(roots: P[], universe: Universe<P, R>): Closure<P, R> {
  const chosen = new Map<string, P>();
  const queue: P[] = [];
  const unsatisfied: Array<Unsatisfied<P, R>> = [];
  const choose = (pkg: P): void => {
    const key = universe.key(pkg);
    if (chosen.has(key)) return;
    chosen.set(key, pkg);
    queue.push(pkg);
  };
  roots.forEach(choose);
  const anyChosen = (candidates: P[]): boolean => {
    for (const c of candidates) if (chosen.has(universe.key(c))) return true;
    return false;
  };
  const satisfied = (alternatives: R[]): boolean => alternatives.some((alt) => anyChosen(universe.candidates(alt)));
  for (let next = 0; next < queue.length; next++) {
    const pkg = queue[next] as P;
    for (const alternatives of universe.requirementsOf(pkg)) {
      // Most requirements have one alternative: ask for its candidates once.
      if (alternatives.length === 1) {
        const candidates = universe.candidates(alternatives[0] as R);
        if (anyChosen(candidates)) continue;
        if (candidates[0] === undefined) unsatisfied.push({ from: pkg, requirement: alternatives });
        else choose(candidates[0]);
        continue;
      }
      if (satisfied(alternatives)) continue;
      let best: P | undefined;
      for (const alt of alternatives) {
        best = universe.candidates(alt)[0];
        if (best !== undefined) break;
      }
      if (best === undefined) unsatisfied.push({ from: pkg, requirement: alternatives });
      else choose(best);
    }
  }
  return { packages: [...chosen.values()], unsatisfied };
}
