import type { Digest } from '@airlock/core';

export interface SnapRequest {
  name: string;
  /** Full form track/risk[/branch]; absent when a revision is pinned. */
  channel?: string;
  revision?: number;
}

export interface SnapSpec {
  type: 'snap';
  name: string;
  /** Store API base URL without a trailing slash. */
  store: string;
  architectures: string[];
  snaps: SnapRequest[];
  /** Also carry bases, content default-providers and snapd, to a fixed point. */
  prerequisites: boolean;
  /** Absolute path of an .assert file with extra roots the exporter trusts. */
  trustedRoots?: string;
  /** Revisions kept per snap and architecture when bundles merge on the site. */
  keepRevisions: number;
}

export interface Publisher {
  id: string;
  username: string;
  displayName: string;
}

/** What the store says of one snap revision, as the store's answers and the catalog both carry it. */
export interface SnapRevisionFacts {
  name: string;
  snapId: string;
  revision: number;
  /** As the store lists them; `all` means every architecture. */
  architectures: string[];
  version: string;
  /** app, base, core, os, snapd, gadget, kernel. */
  type: string;
  base: string;
  confinement: string;
  epoch: { read: number[]; write: number[] };
  summary: string;
  title: string;
  description: string;
  license: string;
  snapYaml: string;
  createdAt: string;
}

/** One store revision of one snap, with what the store said about it and what was verified. */
export interface CatalogRevision extends SnapRevisionFacts {
  publisher: Publisher;
  /** sha256 of the file, as the bundle and vault name it. */
  digest: Digest;
  size: number;
  /** Lowercase hex SHA3-384, as the store's JSON spells it. */
  sha3: string;
  /** Snaps this one needs installed first (base, default providers), by snapd's rule. */
  prerequisites: string[];
}

export interface CatalogChannel {
  name: string;
  /** track/risk[/branch], full form (latest/stable). */
  channel: string;
  architecture: string;
  revision: number;
  /** When the site learnt of this release (the bundle's resolve time). */
  releasedAt: string;
}

export interface SnapCatalog {
  version: 1;
  store: string;
  architectures: string[];
  keepRevisions: number;
  /** The snaps the operator named; the rest were carried as prerequisites. */
  requested: string[];
  revisions: CatalogRevision[];
  channels: CatalogChannel[];
  /** Every assertion the revisions' chains need (trusted roots excluded), original text, sorted by reference. */
  assertions: string[];
}
