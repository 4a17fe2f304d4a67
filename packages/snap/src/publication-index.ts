import type { CatalogRevision, SnapCatalog, SnapRevisionFacts } from './types.js';

export const INDEX_FORMAT = 'airlock-snap-index/1';

/** The store's facts whose names the published index spells as the catalog does; the rest are kebab-case. */
type SharedFacts = Pick<SnapRevisionFacts, 'name' | 'revision' | 'version' | 'architectures' | 'type' | 'base' | 'confinement' | 'epoch' | 'summary' | 'title' | 'description' | 'license'>;

export interface IndexRevision extends SharedFacts {
  'snap-id': string;
  /** Channels and architectures this revision is released to on this site. */
  channels: Array<{ channel: string; architecture: string; 'released-at': string }>;
  'snap-yaml': string;
  publisher: { id: string; username: string; 'display-name': string };
  'created-at': string;
  'sha3-384': string;
  size: number;
  prerequisites: string[];
  requested: boolean;
  files: { snap: string; assert: string };
}

export interface PublicationIndex {
  format: typeof INDEX_FORMAT;
  source: string;
  store: string;
  architectures: string[];
  snaps: IndexRevision[];
}

/** index.json: what the side-load area holds, and what the store API in `airlock serve` answers from. */
export function publicationIndex(catalog: SnapCatalog, sourceName: string): PublicationIndex {
  return {
    format: INDEX_FORMAT,
    source: sourceName,
    store: catalog.store,
    architectures: catalog.architectures,
    snaps: catalog.revisions.map((r) => entry(r, catalog)),
  };
}

function entry(r: CatalogRevision, catalog: SnapCatalog): IndexRevision {
  const base = `${r.name}_${r.revision}`;
  return {
    name: r.name,
    'snap-id': r.snapId,
    revision: r.revision,
    version: r.version,
    channels: catalog.channels.filter((c) => c.name === r.name && c.revision === r.revision).map((c) => ({ channel: c.channel, architecture: c.architecture, 'released-at': c.releasedAt })),
    architectures: r.architectures,
    type: r.type,
    base: r.base,
    confinement: r.confinement,
    epoch: r.epoch,
    summary: r.summary,
    title: r.title,
    description: r.description,
    license: r.license,
    'snap-yaml': r.snapYaml,
    publisher: { id: r.publisher.id, username: r.publisher.username, 'display-name': r.publisher.displayName },
    'created-at': r.createdAt,
    'sha3-384': r.sha3,
    size: r.size,
    prerequisites: r.prerequisites,
    requested: catalog.requested.includes(r.name),
    files: { snap: `${base}.snap`, assert: `${base}.assert` },
  };
}
