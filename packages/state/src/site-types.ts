import type { Digest } from '@airlock/core';

/** Row shapes returned by SiteState. Times are ISO 8601 strings. */

export interface TrustedKey {
  fingerprint: string;
  userIds: string[];
  armored: string;
  addedAt: string;
}

export interface ChannelRow {
  name: string;
  lastSequence: number;
  lastBundleId: string;
  lastManifestSha256: string;
  updatedAt: string;
}

export type BundleStatus = 'pending' | 'complete' | 'published' | 'superseded' | 'rejected';

export interface BundleRow {
  manifestSha256: string;
  id: string;
  channel: string;
  sequence: number;
  baseSequence: number | null;
  status: BundleStatus;
  manifestPath: string;
  receivedAt: string;
  completedAt: string | null;
  publishedAt: string | null;
  /** Why the bundle was rejected; null otherwise. */
  reason: string | null;
  volumesIngested: number;
  volumesTotal: number;
  /** Primary fingerprint of the exporter key that signed it; null when recorded before signers were. */
  signer: string | null;
}

export interface BundleInput {
  manifestSha256: string;
  id: string;
  channel: string;
  sequence: number;
  baseSequence: number | null;
  manifestPath: string;
  volumes: Array<{ number: number; name: string }>;
  /** Primary fingerprint of the exporter key whose signature verified. */
  signer?: string;
}

export interface VolumeRef {
  number: number;
  name: string;
}

export interface VolumeRow extends VolumeRef {
  status: 'missing' | 'ingested';
  ingestedAt: string | null;
}

export type PublicationStatus = 'current' | 'previous' | 'retired';

export interface Publication {
  id: number;
  snapshot: string;
  createdAt: string;
  /** Manifest sha256 of every bundle the snapshot was built from. */
  bundles: string[];
  status: PublicationStatus;
  /** False for publications recorded before effective catalogs were (their sources come from their bundles' manifests). */
  sourcesRecorded: boolean;
}

/** One source of a publication: its effective catalog and the bundle it came from. */
export interface PublicationSource {
  channel: string;
  type: string;
  name: string;
  /** Digest of the effective catalog (a vault blob): the bundle's catalog, or the driver's merge of history with it. */
  catalog: Digest;
  /** Digest of the catalog the bundle itself shipped. */
  bundleCatalog: Digest;
  manifestSha256: string;
  bundleId: string;
  sequence: number;
}

export interface PublicationInput {
  snapshot: string;
  bundles: string[];
  createdAt?: string;
  sources?: PublicationSource[];
}

export interface StateEvent {
  id: number;
  at: string;
  kind: string;
  detail: unknown;
}

export type UpstreamKeyStatus = 'pinned' | 'pending';

export interface UpstreamKeyRow {
  /** `<type>/<name>` of the source the key is pinned for. */
  source: string;
  fingerprint: string;
  userIds: string[];
  armored: string;
  purpose: string;
  status: UpstreamKeyStatus;
  firstSeen: string;
  decidedAt: string | null;
}

export interface TrustAnchorRow {
  kind: string;
  id: string;
  description: string;
  data: string;
  addedAt: string;
}

export type ChannelSignerOrigin = 'first-use' | 'operator';

export interface ChannelSignerRow {
  channel: string;
  fingerprint: string;
  origin: ChannelSignerOrigin;
  boundAt: string;
}
