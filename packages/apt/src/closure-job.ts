import { resolveClosure } from '@airlock/depsolve';
import { indexEntries } from './fetch-index.js';
import { packageKey, type PackageEntry } from './package-entry.js';
import { formatGroup, formatRelation, type Relation } from './relations.js';
import { AptUniverse, type ClosureOptions } from './universe.js';

export interface ClosureIndex {
  /** The verified index file. */
  file: string;
  /** Its path in the archive (decides the decompression). */
  path: string;
  label: string;
  /** The most it may decompress to. */
  openSize?: number;
}

export interface ClosureInput {
  indexes: ClosureIndex[];
  architectures: string[];
  options: ClosureOptions;
  requested: Relation[];
}

export interface ClosureOutcome {
  /** Package keys (name, version, architecture) of the closure, roots first. */
  keys: string[];
  /** Requested relations no package upstream satisfies, as written. */
  missing: string[];
  /** `name version needs relation` for each requirement nothing upstream satisfies. */
  unsatisfied: string[];
}

/** The dependency closure of the requested packages over the indexes, from their relation fields only. */
export async function computeClosure(input: ClosureInput): Promise<ClosureOutcome> {
  const universe = new AptUniverse(input.options);
  for (const index of input.indexes) {
    // The closure needs the entries only: read from the bytes, no stanza text is made.
    for await (const entry of indexEntries(index.file, index.path, index.label, index.openSize)) {
      if (entry.architecture === 'all' || input.architectures.includes(entry.architecture)) universe.add(entry);
    }
  }
  const missing = input.requested.filter((r) => universe.candidates(r).length === 0).map(formatRelation);
  if (missing.length > 0) return { keys: [], missing, unsatisfied: [] };
  const roots = input.requested.map((r) => universe.candidates(r)[0] as PackageEntry);
  const closure = resolveClosure(roots, universe);
  return {
    keys: closure.packages.map(packageKey),
    missing: [],
    unsatisfied: closure.unsatisfied.map((u) => `${u.from.name} ${u.from.version} needs ${formatGroup(u.requirement)}`),
  };
}
