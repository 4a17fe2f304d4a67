import { canonicalJson, type SourceDescription } from '@airlock/core';
import type { PublicationSource } from '@airlock/state';

interface BundleRef {
  channel: string;
  bundleId: string;
  sequence: number;
  manifestSha256: string;
}

/** What the site knows of a bundle beyond its manifest: when it arrived whole, and who signed it. */
export interface BundleFacts {
  importedAt: string | null;
  exporterKey: string | null;
}

export interface RecordInputs {
  snapshot: string;
  siteKey: string;
  publishedAt: Date;
  sources: Array<{ record: PublicationSource; description: SourceDescription | null }>;
  /** The bundle being published; listed even when it has no sources. */
  imported: BundleRef;
  bundleFacts(manifestSha256: string): BundleFacts;
}

/**
 * `airlock-publication.json`, written last into every snapshot: per channel, the newest bundle
 * it publishes (when it was imported, which exporter key signed it), and per source its
 * effective catalog, the bundle and sequence it came from, and what it offers clients (the
 * driver's description, which the site page renders). `catalog` is the effective catalog;
 * `bundleCatalog` differs from it when the driver merged history.
 */
export function publicationRecord(inputs: RecordInputs): string {
  const { imported, sources } = inputs;
  const newest = new Map<string, BundleRef>([[imported.channel, imported]]);
  for (const { record: s } of sources) if ((newest.get(s.channel)?.sequence ?? 0) < s.sequence) newest.set(s.channel, s);
  const channels = [...newest.values()].sort((a, b) => (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0));
  return canonicalJson({
    snapshot: inputs.snapshot,
    siteKey: inputs.siteKey,
    publishedAt: inputs.publishedAt.toISOString(),
    channels: channels.map((c) => ({
      channel: c.channel,
      sequence: c.sequence,
      bundle: c.bundleId,
      manifestSha256: c.manifestSha256,
      ...inputs.bundleFacts(c.manifestSha256),
      sources: sources
        .filter(({ record: s }) => s.channel === c.channel)
        .map(({ record: s, description }) => ({
          type: s.type,
          name: s.name,
          catalog: s.catalog,
          bundleCatalog: s.bundleCatalog,
          bundle: s.bundleId,
          sequence: s.sequence,
          // Left out for a driver without `describe` (or one that failed): the page shows the tree only.
          ...(description === null ? {} : { description }),
        })),
    })),
  });
}
