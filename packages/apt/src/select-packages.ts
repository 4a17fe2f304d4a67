import { AirlockError, type Progress } from '@airlock/core';
import { resolveClosure } from '@airlock/depsolve';
import { indexEntries, indexStanzas, type FetchedIndex } from './fetch-index.js';
import type { LoadedDist } from './load-upstream.js';
import { packageKey, readPackageEntry, type PackageEntry } from './package-entry.js';
import { formatGroup, formatRelation } from './relations.js';
import type { AptSpec } from './types.js';
import { AptUniverse } from './universe.js';

export interface SelectedIndex {
  stanzas: string[];
  entries: PackageEntry[];
}

/**
 * Two streaming passes over the verified indexes: the first builds the closure from the parsed
 * relation fields only, the second keeps the verbatim stanza text of chosen packages. Without a
 * `packages` filter every stanza of a configured architecture is chosen.
 */
export async function selectPackages(spec: AptSpec, dists: LoadedDist[], progress: Progress): Promise<SelectedIndex[][]> {
  const wanted = spec.packages === undefined ? undefined : await closureKeys(spec, dists, progress);
  const selected: SelectedIndex[][] = [];
  for (const dist of dists) {
    const perIndex: SelectedIndex[] = [];
    for (const index of dist.indexes) {
      const out: SelectedIndex = { stanzas: [], entries: [] };
      const seen = new Set<string>();
      for await (const { text, entry } of entries(index, `${dist.suite} ${index.path}`, spec)) {
        const key = packageKey(entry);
        if ((wanted !== undefined && !wanted.has(key)) || seen.has(key)) continue;
        seen.add(key);
        out.stanzas.push(text);
        out.entries.push(entry);
      }
      perIndex.push(out);
    }
    selected.push(perIndex);
  }
  return selected;
}

async function closureKeys(spec: AptSpec, dists: LoadedDist[], progress: Progress): Promise<Set<string>> {
  const universe = new AptUniverse(spec);
  for (const dist of dists) {
    for (const index of dist.indexes) {
      const label = `${dist.suite} ${index.path}`;
      // The closure needs the entries only: read from the bytes, no stanza text is made.
      for await (const entry of indexEntries(index.file, index.path, label, index.openSize)) {
        if (entry.architecture === 'all' || spec.architectures.includes(entry.architecture)) universe.add(entry);
      }
    }
  }
  const requested = spec.packages ?? [];
  const missing = requested.filter((r) => universe.candidates(r).length === 0);
  if (missing.length > 0) {
    const names = missing.map(formatRelation);
    throw new AirlockError('SOURCE_NOT_FOUND', `requested package(s) not found upstream in the configured suites/components/architectures: ${names.join(', ')}`, { details: { missing: names } });
  }
  const roots = requested.map((r) => universe.candidates(r)[0] as PackageEntry);
  const closure = resolveClosure(roots, universe);
  if (closure.unsatisfied.length > 0) {
    const lines = closure.unsatisfied.map((u) => `${u.from.name} ${u.from.version} needs ${formatGroup(u.requirement)}`);
    throw new AirlockError('UPSTREAM_INVALID', `unsatisfiable dependencies (nothing upstream provides them):\n  - ${lines.join('\n  - ')}\nadd the suite/component that has them, or drop the package from "packages"`, {
      details: { unsatisfied: lines },
    });
  }
  progress.info(`apt/${spec.name}: ${closure.packages.length} packages in the closure of ${roots.length} requested`);
  return new Set(closure.packages.map(packageKey));
}

async function* entries(index: FetchedIndex, label: string, spec: AptSpec): AsyncGenerator<{ text: string; entry: PackageEntry }> {
  for await (const text of indexStanzas(index.file, index.path, label, index.openSize)) {
    // A stanza airlock cannot use is an error naming it: skipping it would surface later as a
    // confusing closure failure, or as a package silently missing from a whole-archive mirror.
    const entry = readPackageEntry(text, label);
    if (entry.architecture === 'all' || spec.architectures.includes(entry.architecture)) yield { text, entry };
  }
}
