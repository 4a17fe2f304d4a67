import { resolveClosure, type Universe } from '@airlock/depsolve';
import { formatDependency, satisfies } from './dependency.js';
import { compareEvr } from './vercmp.js';
import type { Dependency, PrimaryPackage, UnsatisfiedRequirement } from './types.js';

/**
 * The packages of one repo indexed for the closure: by provided name and by primary file path.
 * Candidates come best first: a package whose name is the requirement, then by name, newest
 * epoch:version-release, then the configured arch preference.
 */
export class RepoUniverse implements Universe<PrimaryPackage, Dependency> {
  readonly #byProvide = new Map<string, PrimaryPackage[]>();
  readonly #byFile = new Map<string, PrimaryPackage[]>();
  readonly #archRank: (arch: string) => number;

  constructor(packages: Iterable<PrimaryPackage>, arches?: string[]) {
    this.#archRank = (arch) => (arches ? arches.indexOf(arch) : 0);
    for (const pkg of packages) {
      for (const provide of pkg.provides) push(this.#byProvide, provide.name, pkg);
      for (const file of pkg.files) push(this.#byFile, file, pkg);
    }
  }

  /** Adds file providers found outside primary.xml's file list (in filelists.xml). */
  addFileOwners(owners: Map<string, Set<string>>, packages: Iterable<PrimaryPackage>): void {
    const byChecksum = new Map<string, PrimaryPackage>();
    for (const pkg of packages) byChecksum.set(pkg.checksum, pkg);
    for (const [path, ids] of owners) {
      for (const id of ids) {
        const pkg = byChecksum.get(id);
        if (pkg && !(this.#byFile.get(path) ?? []).includes(pkg)) push(this.#byFile, path, pkg);
      }
    }
  }

  key(pkg: PrimaryPackage): string {
    return `${pkg.name}-${pkg.epoch}:${pkg.version}-${pkg.release}.${pkg.arch}`;
  }

  requirementsOf(pkg: PrimaryPackage): Dependency[][] {
    return pkg.requires.filter((dep) => !dep.name.startsWith('rpmlib(') && !dep.name.startsWith('(')).map((dep) => [dep]);
  }

  candidates(requirement: Dependency): PrimaryPackage[] {
    const found = requirement.name.startsWith('/')
      ? [...(this.#byFile.get(requirement.name) ?? []), ...(this.#byProvide.get(requirement.name) ?? [])]
      : (this.#byProvide.get(requirement.name) ?? []).filter((pkg) => pkg.provides.some((p) => satisfies(p, requirement)));
    return [...new Set(found)].sort((a, b) => this.#better(a, b, requirement.name));
  }

  #better(a: PrimaryPackage, b: PrimaryPackage, wanted: string): number {
    if ((a.name === wanted) !== (b.name === wanted)) return a.name === wanted ? -1 : 1;
    if (a.name !== b.name) return a.name < b.name ? -1 : 1;
    const evr = compareEvr(b, a);
    if (evr !== 0) return evr;
    return this.#archRank(a.arch) - this.#archRank(b.arch);
  }
}

/** The closure of `roots`, with every unsatisfiable requirement named, and the file paths among them. */
export function closureOf(roots: PrimaryPackage[], universe: RepoUniverse): { packages: PrimaryPackage[]; unsatisfied: UnsatisfiedRequirement[]; missingFiles: Set<string> } {
  const result = resolveClosure(roots, universe);
  const missingFiles = new Set(result.unsatisfied.flatMap((u) => u.requirement.map((r) => r.name)).filter((name) => name.startsWith('/')));
  const unsatisfied = result.unsatisfied.map((u) => ({
    package: universe.key(u.from),
    requires: u.requirement.map(formatDependency).join(' | '),
  }));
  return { packages: result.packages, unsatisfied, missingFiles };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
