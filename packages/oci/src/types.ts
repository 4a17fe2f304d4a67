import type { Digest } from '@airlock/core';

/** One `images:` entry after validation. */
export interface ImageSpec {
  /** As written in the config, for messages. */
  text: string;
  kind: 'registry' | 'oci-layout' | 'docker-archive';
  /** registry: host[:port]; local sources: the absolute path. */
  location: string;
  /** registry: the repository path on the upstream (e.g. library/nginx). */
  repository: string;
  /** undefined with kind 'registry' means every tag (filtered by tagPattern). */
  tag?: string;
  pinned?: Digest;
  tagPattern?: string;
  /** The name the image gets on the site, before the source prefix. */
  rename?: string;
  prefix?: string;
  /** The config field it came from (e.g. `sources[2].images[0]`), for `airlock config check`. */
  field?: string;
}

export interface OciSpec {
  type: 'oci';
  name: string;
  images: ImageSpec[];
  /** os/arch[/variant]; empty means every platform. */
  platforms: string[];
  authFile?: string;
  insecureRegistries: string[];
  prefix?: string;
  /** Image list files the references were read from (`images: {fromFile}`), for `airlock config check`. */
  imageLists?: Array<{ field: string; path: string }>;
}

export interface CatalogImage {
  /** The repository on the site (served and pushed under this name). */
  repository: string;
  tag: string;
  digest: Digest;
  mediaType: string;
  size: number;
  /** Where it came from, e.g. `docker.io/library/nginx:1.25`; provenance only. */
  upstream: string;
}

export interface CatalogBlob {
  digest: Digest;
  size: number;
  mediaType: string;
}

export interface OciCatalog {
  version: 1;
  images: CatalogImage[];
  /** Every manifest and index carried, top-level and selected children. */
  manifests: CatalogBlob[];
  /** Configs and layers. */
  blobs: CatalogBlob[];
}
