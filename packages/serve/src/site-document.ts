import type { ChannelFacts, PublicationFacts } from './publication-facts.js';
import { renderTemplate, type SiteAddress } from './site-address.js';

export const SITE_DOCUMENT_FORMAT = 'airlock-site/1';

export interface RenderedSnippet {
  id: string;
  title: string;
  /** The client file the text goes into; absent for commands. */
  file?: string;
  text: string;
  note?: string;
}

export interface SiteSource {
  type: string;
  name: string;
  channel: string;
  bundle: string;
  sequence: number;
  catalog: string | null;
  /** Where its tree is served. */
  url: string;
  /** False for a publication made before airlock described sources (or when its driver could not). */
  described: boolean;
  counts: Array<{ label: string; value: number }>;
  bytes: number | null;
  clients: RenderedSnippet[];
}

/** `/airlock.json`: what the site page shows, for automation. The page is rendered from this. */
export interface SiteDocument {
  format: typeof SITE_DOCUMENT_FORMAT;
  published: true;
  url: string;
  siteKey: { fingerprint: string | null; gpg: string; asc: string };
  publication: { snapshot: string; publishedAt: string | null; channels: ChannelFacts[] } | null;
  /** Why the publication could not be described, when it could not. */
  problem?: string;
  sources: SiteSource[];
}

export function siteDocument(facts: PublicationFacts | null, address: SiteAddress, problem?: string): SiteDocument {
  return {
    format: SITE_DOCUMENT_FORMAT,
    published: true,
    url: address.url,
    siteKey: { fingerprint: facts?.siteKey ?? null, gpg: `${address.url}keys/site.gpg`, asc: `${address.url}keys/site.asc` },
    publication: facts === null ? null : { snapshot: facts.snapshot, publishedAt: facts.publishedAt, channels: facts.channels },
    ...(problem === undefined ? {} : { problem }),
    sources: (facts?.sources ?? []).map((s) => ({
      type: s.type,
      name: s.name,
      channel: s.channel,
      bundle: s.bundle,
      sequence: s.sequence,
      catalog: s.catalog,
      url: `${address.url}${encodeURIComponent(s.type)}/${encodeURIComponent(s.name)}/`,
      described: s.description !== null,
      counts: s.description?.counts ?? [],
      bytes: s.description?.bytes ?? null,
      clients: (s.description?.clients ?? []).map((c) => ({
        id: c.id,
        title: c.title,
        ...(c.file === undefined ? {} : { file: renderTemplate(c.file, address) }),
        text: renderTemplate(c.template, address),
        ...(c.note === undefined ? {} : { note: c.note }),
      })),
    })),
  };
}
