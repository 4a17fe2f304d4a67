import { decodeAssertion } from './assertions/decode.js';
import type { CatalogRevision, SnapCatalog } from './types.js';

/**
 * History on the site: a later bundle adds revisions, the channel map is the newest bundle's, and
 * older revisions stay, up to `keepRevisions` per snap and architecture (those a channel names
 * always stay). Pure: no IO.
 */
export function mergeSnapCatalogs(previous: SnapCatalog, next: SnapCatalog): SnapCatalog {
  const byKey = new Map<string, CatalogRevision>();
  for (const r of [...previous.revisions, ...next.revisions]) byKey.set(`${r.name}/${r.revision}`, r);
  const architectures = [...new Set([...next.architectures, ...previous.architectures])].sort();
  const inChannel = new Set(next.channels.map((c) => `${c.name}/${c.revision}`));
  const kept = new Set<string>();
  const groups = new Map<string, CatalogRevision[]>();
  for (const r of byKey.values()) {
    for (const arch of architectures) {
      if (!r.architectures.includes('all') && !r.architectures.includes(arch)) continue;
      const group = groups.get(`${r.name} ${arch}`) ?? [];
      group.push(r);
      groups.set(`${r.name} ${arch}`, group);
    }
    if (inChannel.has(`${r.name}/${r.revision}`)) kept.add(`${r.name}/${r.revision}`);
  }
  for (const group of groups.values()) {
    const newestFirst = group.sort((a, b) => b.revision - a.revision);
    const pinned = newestFirst.filter((r) => kept.has(`${r.name}/${r.revision}`)).length;
    let room = Math.max(0, next.keepRevisions - pinned);
    for (const r of newestFirst) {
      const key = `${r.name}/${r.revision}`;
      if (kept.has(key) || room === 0) continue;
      kept.add(key);
      room--;
    }
  }
  const revisions = [...byKey.values()].filter((r) => kept.has(`${r.name}/${r.revision}`)).sort((a, b) => cmp(a.name, b.name) || a.revision - b.revision);
  return {
    ...next,
    architectures,
    revisions,
    assertions: mergeAssertions(previous.assertions, next.assertions, revisions),
  };
}

/** The newest revision of each assertion, without snap-revision assertions of dropped revisions. */
function mergeAssertions(previous: string[], next: string[], revisions: CatalogRevision[]): string[] {
  const keptDigests = new Set(revisions.map((r) => Buffer.from(r.sha3, 'hex').toString('base64url')));
  const newest = new Map<string, { text: string; revision: number }>();
  for (const text of [...previous, ...next]) {
    const raw = decodeAssertion(text);
    const key = primaryKey(raw.type, raw.headers);
    if (raw.type === 'snap-revision' && !keptDigests.has(String(raw.headers['snap-sha3-384']))) continue;
    const revision = Number(raw.headers.revision ?? '0');
    const known = newest.get(key);
    if (!known || revision >= known.revision) newest.set(key, { text, revision });
  }
  return [...newest].sort((a, b) => cmp(a[0], b[0])).map(([, v]) => v.text);
}

function primaryKey(type: string, headers: Record<string, unknown>): string {
  const keys: Record<string, string[]> = { 'account-key': ['public-key-sha3-384'], account: ['account-id'], 'snap-declaration': ['series', 'snap-id'], 'snap-revision': ['snap-sha3-384', 'provenance'] };
  return [type, ...(keys[type] ?? []).map((k) => String(headers[k] ?? ''))].join('/');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
