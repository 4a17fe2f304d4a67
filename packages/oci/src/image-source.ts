import type { BlobSource, Digest } from '@airlock/core';
import type { Descriptor } from './media-types.js';

export interface FetchedManifest {
  /** Exactly as received: the digest is over these bytes. */
  bytes: Buffer;
  mediaType: string;
  digest: Digest;
  /** A verified copy in the export cache, shipped from there. */
  path: string;
}

/** Where one configured image comes from: a registry, an OCI layout directory or a docker save archive. */
export interface ImageSource {
  readonly label: string;
  /** Every tag (registry repositories) or reference name (layouts, archives) available. */
  tags(): Promise<string[]>;
  /** A manifest by tag or digest, verified against the digest when one was asked for. */
  manifest(reference: string): Promise<FetchedManifest>;
  blob(descriptor: Descriptor, label: string): BlobSource;
}
