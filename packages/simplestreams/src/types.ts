import type { Digest } from '@airlock/core';
import type { Filter } from './filters.js';

/** One custom image from the config: a root tarball that becomes a single-file product. */
export interface CustomImageSpec {
  /** MAAS's `<os>/<release>`, e.g. `rhel/9`. */
  os: string;
  release: string;
  title: string;
  arch: string;
  /** Absolute path of the root tarball (`.tar.gz`), published as the `root-tgz` item. */
  file: string;
  /** Absolute path of a package list; generated when absent. */
  manifest?: string;
  /** Version name; defaults to the tarball's modification time as `YYYYMMDD_HHMMSS` (UTC). */
  version?: string;
  supportEol?: string;
}

/** A validated `simplestreams` config entry. */
export interface SimplestreamsSpec {
  type: 'simplestreams';
  name: string;
  /** The mirror root, always ending in `/`; item paths are relative to it. */
  mirror: string;
  /** The index URL: `<mirror>streams/v1/index.sjson` unless the config named another. */
  index: string;
  /** Absolute path of the upstream keyring (binary or armored); absent only with `insecure`. */
  keyring?: string;
  insecure: boolean;
  filters: Filter[];
  max: number;
  /** false: no bootloaders; otherwise the filters and max applied to bootloader products. */
  bootloaders: false | { filters: Filter[]; max: number };
  custom: CustomImageSpec[];
}

/** A signed (or, with insecure, unsigned) upstream document, carried as a blob. */
export interface CarriedDocument {
  role: 'index' | 'products';
  /** The products file's content_id; null for the index. */
  contentId: string | null;
  /** Where upstream serves it, relative to the mirror root. */
  path: string;
  digest: Digest;
  size: number;
  /** Primary fingerprint of the key that signed it, or null when it was not signed. */
  signer: string | null;
  /** Its `updated` field as upstream wrote it. */
  updated: string;
  /**
   * Documents of the newest export: replay checks apply to these. Older ones stay only because a
   * version the site keeps came from them.
   */
  current: boolean;
}

export interface CarriedItem {
  name: string;
  ftype: string;
  path: string;
  sha256: string;
  size: number;
}

/** Which shape of products file a version belongs to; one shape per published file. */
export type StreamKind = 'images' | 'bootloaders';

/** One kept version of an upstream product, with the items that ship. */
export interface CarriedVersion {
  contentId: string;
  kind: StreamKind;
  product: string;
  version: string;
  /** The products document it was selected from. */
  document: Digest;
  items: CarriedItem[];
}

/** One version of a custom image; it has no upstream signature (the bundle signature covers it). */
export interface CustomVersion {
  product: string;
  os: string;
  release: string;
  title: string;
  arch: string;
  version: string;
  supportEol: string | null;
  items: CarriedItem[];
}

export interface SimplestreamsCatalog {
  version: 1;
  /** The upstream mirror root the export read (informational: the site never fetches). */
  mirror: string;
  /** Upstream keyring the exporter used, armored; the site pins its own copy on first import. */
  keyring: string | null;
  /** The export accepted unsigned upstream documents (`insecure: true`). */
  insecure: boolean;
  max: number;
  bootloaderMax: number;
  documents: CarriedDocument[];
  versions: CarriedVersion[];
  custom: CustomVersion[];
}
