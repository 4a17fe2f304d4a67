import type { Digest } from '@airlock/core';

/** A version constraint as rpm writes it: `name >= epoch:version-release`. */
export interface Evr {
  epoch: string;
  version: string;
  release?: string;
}

/** Comparison flags, rpm's RPMSENSE_LESS/GREATER/EQUAL bits: 2 LT, 4 GT, 8 EQ, 10 LE, 12 GE. */
export type SenseFlags = number;

/** One provides/requires/conflicts/obsoletes entry. `flags` 0 means unversioned. */
export interface Dependency {
  name: string;
  flags: SenseFlags;
  evr?: Evr;
  /** Required before install (pre="1" in primary.xml). */
  pre?: boolean;
}

/** A package as primary.xml describes it; what the closure needs and what the catalog carries. */
export interface PrimaryPackage {
  name: string;
  arch: string;
  epoch: string;
  version: string;
  release: string;
  checksumType: string;
  checksum: string;
  href: string;
  size: number;
  provides: Dependency[];
  requires: Dependency[];
  /** Primary file list only (/etc/*, *bin/*, /usr/lib/sendmail). */
  files: string[];
}

/** A validated `rpm` config entry. */
export interface RpmSpec {
  type: 'rpm';
  name: string;
  /** The repo base URL, ending in `/` (repodata/repomd.xml lies under it). */
  url: string;
  /** Absolute paths of armored or binary upstream public keys. */
  gpgkey: string[];
  /** Verify repomd.xml.asc against gpgkey. */
  repoGpgcheck: boolean;
  /** Verify each package's header signature against gpgkey (what dnf's gpgcheck=1 does). */
  gpgcheck: boolean;
  /** The operator accepts mirroring this repo unverified (no gpgkey); warned about at every step. */
  insecure: boolean;
  /** Requested packages, or undefined to mirror the whole repo. */
  packages?: PackageRequest[];
  dependencies: boolean;
  /** Allowed arches, most preferred first; undefined allows every arch. */
  arch?: string[];
  /** How the site's repodata is compressed: gz (default, EL7 yum) or zst (dnf ≥ 4.x, faster). */
  repodataCompression: 'gz' | 'zst';
}

export interface PackageRequest {
  /** As written in the config, for messages. */
  text: string;
  dependency: Dependency;
}

/** One upstream metadata file carried in the bundle (primary, comps, updateinfo, modules…). */
export interface CarriedMetadata {
  type: string;
  /** Upstream location, relative to the repo base; also the published name's basename. */
  href: string;
  digest: Digest;
  size: number;
}

/** One package chosen for the site. `digest` is the upstream pkgid (sha256 of the whole .rpm). */
export interface CatalogPackage {
  name: string;
  arch: string;
  epoch: string;
  version: string;
  release: string;
  href: string;
  digest: Digest;
  size: number;
}

/** A requirement nothing in the repo satisfies, reported name by name. */
export interface UnsatisfiedRequirement {
  package: string;
  requires: string;
}

/** The source's full desired state; travels in the bundle as canonical JSON. */
export interface RpmCatalog {
  version: 1;
  url: string;
  /** Upstream keys offered for repomd.xml and/or the packages; empty for an insecure source. */
  gpgkeys: string[];
  repoGpgcheck: boolean;
  /** Every package carries a header signature by one of the keys (absent in older catalogs: false). */
  gpgcheck?: boolean;
  /** Upstream repomd.xml and its detached signature, byte-exact (base64). */
  repomd: string;
  repomdAsc: string | null;
  metadata: CarriedMetadata[];
  packages: CatalogPackage[];
  unsatisfied: UnsatisfiedRequirement[];
  repodataCompression: 'gz' | 'zst';
}
