import type { Digest } from '@airlock/core';
import type { Relation } from './relations.js';

/** A validated `apt` config entry. */
export interface AptSpec {
  type: 'apt';
  name: string;
  /** Archive root, always ending in `/`. */
  url: string;
  /** Suites as configured; a suite ending in `/` (e.g. `./`) is a flat repository. */
  suites: string[];
  components: string[];
  architectures: string[];
  /** Absolute path of the upstream keyring (binary or armored). */
  keyring: string;
  /** Requested packages; undefined mirrors whole suites/components. */
  packages?: Relation[];
  dependencies: boolean;
  recommends: boolean;
  suggests: boolean;
  allowExpired: boolean;
  byHash: boolean;
}

/** The upstream signature over a suite's Release, exactly as fetched. */
export type CarriedRelease =
  | { kind: 'inrelease'; text: string }
  /** Release text plus its detached signature (Release.gpg), base64 so binary signatures survive. */
  | { kind: 'detached'; text: string; signatureBase64: string };

/** One upstream Packages index: the file as fetched travels as a blob, its chosen stanzas in the catalog. */
export interface CarriedIndex {
  component: string;
  architecture: string;
  /** Path relative to the Release file, as listed in its SHA256 section. */
  path: string;
  digest: Digest;
  size: number;
  /** Verbatim upstream stanzas of the chosen packages in this index. */
  stanzas: string[];
}

export interface CarriedDist {
  suite: string;
  flat: boolean;
  release: CarriedRelease;
  indexes: CarriedIndex[];
}

export interface AptCatalog {
  version: 1;
  /** Upstream archive keyring, armored: reverify checks the carried signatures against it. */
  keyring: string;
  byHash: boolean;
  dists: CarriedDist[];
}
