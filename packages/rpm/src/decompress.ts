import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { decompressed, type Compression } from '@airlock/compress';
import { AirlockError } from '@airlock/core';

/** Compressions airlock reads in repodata: gzip (EL7 and createrepo_c --compatibility), zstd (createrepo_c ≥ 1.0), none. */
export type MetadataCompression = 'gz' | 'zst' | 'none';

const FORMAT: Record<MetadataCompression, Compression> = { gz: 'gzip', zst: 'zstd', none: 'none' };

export function compressionOf(href: string): MetadataCompression {
  if (href.endsWith('.gz')) return 'gz';
  if (href.endsWith('.zst')) return 'zst';
  if (href.endsWith('.xml') || href.endsWith('.yaml')) return 'none';
  throw new AirlockError('UPSTREAM_INVALID', `${href} uses a compression airlock cannot read (it reads .gz, .zst and plain files; xz and bz2 are not supported): ask the repo owner for gz or zstd metadata`);
}

/**
 * The decompressed content of a metadata file on disk, as a stream (never whole in memory, and a
 * decompression bomb is cut off). `maxBytes` is repomd.xml's open-size where it gives one.
 */
export function openDecompressed(path: string, href: string, maxBytes?: number): Readable {
  const compression = compressionOf(href);
  return decompressed(createReadStream(path, { highWaterMark: 1 << 16 }), FORMAT[compression], { label: href, ...(maxBytes !== undefined ? { maxBytes } : {}) });
}
