import type { Universe } from '@airlock/depsolve';
import { packageKey, type PackageEntry } from './package-entry.js';
import { parseRelations, type Relation } from './relations.js';
import { compareDebVersions, satisfiesVersion } from './version.js';

export interface ClosureOptions {
  dependencies: boolean;
  recommends: boolean;
  suggests: boolean;
}

interface Provider {
  pkg: PackageEntry;
  version?: string;
}

/**
 * The apt side of @airlock/depsolve: real packages by name (newest first), then packages that
 * Provide the name. An unversioned requirement is met by any provider; a versioned one only by
 * a versioned Provides (`foo (= 1.2)`) that satisfies it, as dpkg rules.
 */
export class AptUniverse implements Universe<PackageEntry, Relation> {
  private readonly byName = new Map<string, PackageEntry[]>();
  private readonly providers = new Map<string, Provider[]>();
  private sorted = true;
  /** Candidates of unversioned requirements by name, of versioned ones by name, op and version. */
  private readonly byNameMemo = new Map<string, PackageEntry[]>();
  private readonly versionedMemo = new Map<string, PackageEntry[]>();
  private readonly keys = new Map<PackageEntry, string>();

  constructor(private readonly options: ClosureOptions) {}

  add(pkg: PackageEntry): void {
    push(this.byName, pkg.name, pkg);
    for (const group of parseRelations(pkg.provides).groups) {
      for (const provided of group) push(this.providers, provided.name, provided.op === '=' && provided.version !== undefined ? { pkg, version: provided.version } : { pkg });
    }
    this.sorted = false;
    this.byNameMemo.clear();
    this.versionedMemo.clear();
  }

  /** The closure asks for keys of the same candidates again and again: build each string once. */
  key(pkg: PackageEntry): string {
    let key = this.keys.get(pkg);
    if (key === undefined) {
      key = packageKey(pkg);
      this.keys.set(pkg, key);
    }
    return key;
  }

  /** Parsed afresh on each call: the closure asks once per chosen package, and 20,000 parsed lists kept would be most of its memory. */
  requirementsOf(pkg: PackageEntry): Relation[][] {
    if (!this.options.dependencies) return [];
    const fields = [pkg.preDepends, pkg.depends];
    if (this.options.recommends) fields.push(pkg.recommends);
    if (this.options.suggests) fields.push(pkg.suggests);
    const requirements: Relation[][] = [];
    for (const field of fields) {
      if (field === undefined) continue;
      const { groups, bad } = parseRelations(field);
      for (const group of groups) requirements.push(group);
      // An unreadable relation becomes one no package satisfies, so it is reported, never dropped.
      for (const text of bad) requirements.push([{ name: text }]);
    }
    return requirements;
  }

  candidates(requirement: Relation): PackageEntry[] {
    this.sortOnce();
    const versioned = requirement.op !== undefined && requirement.version !== undefined;
    const memo = versioned ? this.versionedMemo : this.byNameMemo;
    const memoKey = versioned ? [requirement.name, requirement.op, requirement.version].join('\0') : requirement.name;
    let found = memo.get(memoKey);
    if (found === undefined) {
      found = this.findCandidates(requirement, versioned);
      memo.set(memoKey, found);
    }
    return found;
  }

  private findCandidates(requirement: Relation, versioned: boolean): PackageEntry[] {
    const named = this.byName.get(requirement.name) ?? NONE;
    if (!versioned && !this.providers.has(requirement.name)) return named;
    const real = versioned ? named.filter((p) => matches(p.version, requirement)) : named;
    const provided = (this.providers.get(requirement.name) ?? [])
      .filter((p) => (requirement.op === undefined ? true : p.version !== undefined && matches(p.version, requirement)))
      .map((p) => p.pkg);
    return provided.length === 0 ? real : [...real, ...provided.filter((p) => !real.includes(p))];
  }

  private sortOnce(): void {
    if (this.sorted) return;
    const newestFirst = (a: PackageEntry, b: PackageEntry): number => compareDebVersions(b.version, a.version) || archRank(a) - archRank(b);
    for (const list of this.byName.values()) list.sort(newestFirst);
    for (const list of this.providers.values()) list.sort((a, b) => newestFirst(a.pkg, b.pkg));
    this.sorted = true;
  }
}

const NONE: PackageEntry[] = [];

function matches(version: string, requirement: Relation): boolean {
  return requirement.op === undefined || requirement.version === undefined || satisfiesVersion(version, requirement.op, requirement.version);
}

/** Architecture-specific builds before `all` at equal versions. */
function archRank(p: PackageEntry): number {
  return p.architecture === 'all' ? 1 : 0;
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
