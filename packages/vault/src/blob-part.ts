import type { Digest } from '@airlock/core';

/**
 * One slice of a blob that was split across volumes. Identical in shape to the bundle format's
 * BlobPart; declared here because the vault does not depend on the bundle package.
 */
export interface BlobPart {
  /** 0-based position of the part within the blob. */
  index: number;
  /** Byte offset of the part within the blob. */
  offset: number;
  size: number;
  /** Digest of the part's own bytes. */
  digest: Digest;
}
