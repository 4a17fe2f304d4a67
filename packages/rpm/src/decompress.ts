import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { AirlockError } from '@airlock/core';
import { DecompressStream } from 'zstd-napi';

/** Compressions airlock reads in repodata: gzip (EL7 and createrepo_c --compatibility), zstd (createrepo_c ≥ 1.0), none. */
export type MetadataCompression = 'gz' | 'zst' | 'none';

export function compressionOf(href: string): MetadataCompression {
  if (href.endsWith('.gz')) return 'gz';
  if (href.endsWith('.zst')) return 'zst';
  if (href.endsWith('.xml') || href.endsWith('.yaml')) return 'none';
  throw new AirlockError('UPSTREAM_INVALID', `${href} uses a compression airlock cannot read (it reads .gz, .zst and plain files; xz and bz2 are not supported): ask the repo owner for gz or zstd metadata`);
}

/** The decompressed content of a metadata file on disk, as a stream (never whole in memory). */
export function openDecompressed(path: string, href: string): Readable {
  const compression = compressionOf(href);
  const file = createReadStream(path);
  if (compression === 'none') return file;
  const inflater = compression === 'gz' ? createGunzip() : new DecompressStream();
  file.on('error', (err) => inflater.destroy(err));
  return file.pipe(inflater);
}
