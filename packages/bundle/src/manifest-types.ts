import type { Digest } from '@airlock/core';

export type Compression = 'zstd' | 'none';

/** One tar entry of a volume: a whole blob, or part `part` (0-based) of a split blob. */
export interface VolumeEntryRef {
  digest: Digest;
  part?: number;
}

export interface BlobPart {
  index: number;
  offset: number;
  size: number;
  digest: Digest;
}

export interface ManifestBlob {
  digest: Digest;
  size: number;
  parts?: BlobPart[];
}

export interface ManifestVolume {
  number: number;
  name: string;
  size: number;
  /** Hex sha256 of the volume file as written (compressed bytes for zstd). */
  sha256: string;
  entries: VolumeEntryRef[];
}

export interface ManifestSource {
  type: string;
  name: string;
  catalog: Digest;
  /** Every artifact digest the source needs, sorted and unique. */
  requires: Digest[];
}

export interface Manifest {
  format: 'airlock-bundle';
  version: 1;
  id: string;
  channel: string;
  sequence: number;
  base: { sequence: number; id: string } | null;
  /** RFC 3339 UTC. */
  createdAt: string;
  expiresAt: string;
  exporter: { tool: 'airlock'; version: string; fingerprint: string };
  compression: Compression;
  maxVolumeSize: number;
  sources: ManifestSource[];
  /** Blobs carried in this bundle, catalogs included. */
  blobs: ManifestBlob[];
  volumes: ManifestVolume[];
}
