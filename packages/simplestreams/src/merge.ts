import { byVersionName } from './select.js';
import type { CarriedDocument, CarriedVersion, CustomVersion, SimplestreamsCatalog } from './types.js';

/**
 * The site's history: `next` (a newer bundle) wins, and each product it still selects keeps the
 * older versions `previous` held, up to next's `max` (bootloaders: `bootloaderMax`), newest kept.
 * Products that `next` no longer selects are dropped (the operator narrowed the filters). An older
 * version whose files would clash with a kept newer one (same path, other bytes) is dropped.
 * Documents stay only while a kept version needs them; only next's are `current` (replay checks).
 */
export function mergeSimplestreams(previous: SimplestreamsCatalog, next: SimplestreamsCatalog): SimplestreamsCatalog {
  const versions = mergeVersions(previous.versions, next.versions, (v) => `${v.contentId}\n${v.product}`, (v) => (v.kind === 'bootloaders' ? next.bootloaderMax : next.max));
  const custom = mergeVersions(previous.custom, next.custom, (v) => v.product, () => next.max);
  const needed = new Set(versions.map((v) => v.document));
  const documents: CarriedDocument[] = next.documents.map((d) => ({ ...d, current: true }));
  for (const doc of previous.documents) {
    if (doc.role === 'products' && needed.has(doc.digest) && !documents.some((d) => d.digest === doc.digest)) documents.push({ ...doc, current: false });
  }
  return { ...next, documents, versions, custom };
}

function mergeVersions<V extends CarriedVersion | CustomVersion>(previous: V[], next: V[], productKey: (v: V) => string, maxOf: (v: V) => number): V[] {
  const selected = new Set(next.map(productKey));
  const byProduct = new Map<string, Map<string, V>>();
  for (const v of [...previous.filter((p) => selected.has(productKey(p))), ...next]) {
    const versions = byProduct.get(productKey(v)) ?? new Map<string, V>();
    versions.set(v.version, v);
    byProduct.set(productKey(v), versions);
  }
  const kept: V[] = [];
  for (const versions of byProduct.values()) {
    const newestFirst = [...versions.values()].sort((a, b) => byVersionName(b.version, a.version));
    kept.push(...newestFirst.slice(0, maxOf(newestFirst[0]!)));
  }
  return dropClashes(kept, new Set(next));
}

/** Keeps next's versions and, of the older ones, only those whose paths agree with everything kept so far. */
function dropClashes<V extends CarriedVersion | CustomVersion>(kept: V[], fromNext: Set<V>): V[] {
  const paths = new Map<string, string>();
  const identity = (i: { sha256: string; size: number }): string => `${i.sha256} ${i.size}`;
  const ordered = [...kept.filter((v) => fromNext.has(v)), ...kept.filter((v) => !fromNext.has(v)).sort((a, b) => byVersionName(b.version, a.version))];
  const result: V[] = [];
  for (const v of ordered) {
    if (!fromNext.has(v) && v.items.some((i) => paths.has(i.path) && paths.get(i.path) !== identity(i))) continue;
    for (const i of v.items) paths.set(i.path, identity(i));
    result.push(v);
  }
  const order = (v: V): string => `${'contentId' in v ? v.contentId : ''}\n${v.product}\n${v.version}`;
  return result.sort((a, b) => byVersionName(order(a), order(b)));
}
