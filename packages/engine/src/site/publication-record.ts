import { canonicalJson } from '@airlock/core';
import type { PublicationSource } from '@airlock/state';

interface BundleRef {
  channel: string;
  bundleId: string;
  sequence: number;
  manifestSha256: string;
}

/**
 * `airlock-publication.json`, written last into every snapshot: per channel, the newest bundle
 * it publishes, and per source its effective catalog and the bundle and sequence it came from.
 * `catalog` is the effective catalog; `bundleCatalog` differs from it when the driver merged
 * history. `imported` (the bundle being published) is listed even when it has no sources.
 */
export function publicationRecord(snapshot: string, siteKey: string, sources: PublicationSource[], imported: BundleRef): string {
  const newest = new Map<string, BundleRef>([[imported.channel, imported]]);
  for (const s of sources) if ((newest.get(s.channel)?.sequence ?? 0) < s.sequence) newest.set(s.channel, s);
  const channels = [...newest.values()].sort((a, b) => (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0));
  return canonicalJson({
    snapshot,
    siteKey,
    channels: channels.map((c) => ({
      channel: c.channel,
      sequence: c.sequence,
      bundle: c.bundleId,
      manifestSha256: c.manifestSha256,
      sources: sources
        .filter((s) => s.channel === c.channel)
        .map((s) => ({ type: s.type, name: s.name, catalog: s.catalog, bundleCatalog: s.bundleCatalog, bundle: s.bundleId, sequence: s.sequence })),
    })),
  });
}
