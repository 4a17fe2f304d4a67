import { AirlockError, type Progress } from '@airlock/core';
import { computeClosureOffThread } from './closure-off-thread.js';
import { indexStanzas, type FetchedIndex } from './fetch-index.js';
import type { LoadedDist } from './load-upstream.js';
import { packageKey, readPackageEntry, type PackageEntry } from './package-entry.js';
import type { AptSpec } from './types.js';

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
  const requested = spec.packages ?? [];
  const indexes = dists.flatMap((dist) => dist.indexes.map((index) => ({ file: index.file, path: index.path, label: `${dist.suite} ${index.path}`, ...(index.openSize !== undefined ? { openSize: index.openSize } : {}) })));
  const options = { dependencies: spec.dependencies, recommends: spec.recommends, suggests: spec.suggests };
  const closure = await computeClosureOffThread({ indexes, architectures: spec.architectures, options, requested });
  if (closure.missing.length > 0) {
    throw new AirlockError('SOURCE_NOT_FOUND', `requested package(s) not found upstream in the configured suites/components/architectures: ${closure.missing.join(', ')}`, { details: { missing: closure.missing } });
  }
  if (closure.unsatisfied.length > 0) {
    throw new AirlockError('UPSTREAM_INVALID', `unsatisfiable dependencies (nothing upstream provides them):\n  - ${closure.unsatisfied.join('\n  - ')}\nadd the suite/component that has them, or drop the package from "packages"`, {
      details: { unsatisfied: closure.unsatisfied },
    });
  }
  progress.info(`apt/${spec.name}: ${closure.keys.length} packages in the closure of ${requested.length} requested`);
  return new Set(closure.keys);
}

async function* entries(index: FetchedIndex, label: string, spec: AptSpec): AsyncGenerator<{ text: string; entry: PackageEntry }> {
  for await (const text of indexStanzas(index.file, index.path, label, index.openSize)) {
    // A stanza airlock cannot use is an error naming it: skipping it would surface later as a
    // confusing closure failure, or as a package silently missing from a whole-archive mirror.
    const entry = readPackageEntry(text, label);
    if (entry.architecture === 'all' || spec.architectures.includes(entry.architecture)) yield { text, entry };
  }
}
