import type { Readable } from 'node:stream';
import { decompressed as bounded, type Compression as Format } from '@airlock/compress';

export type Compression = 'gz' | 'xz' | 'none';

const FORMAT: Record<Compression, Format> = { gz: 'gzip', xz: 'xz', none: 'none' };

export function compressionOf(path: string): Compression {
  if (path.endsWith('.gz')) return 'gz';
  if (path.endsWith('.xz')) return 'xz';
  return 'none';
}

/**
 * Decompresses an index as a stream with bounded memory, refusing more than `maxBytes` of output
 * (the uncompressed size Release lists, where it lists one) so a decompression bomb is cut off.
 * gzip uses node:zlib; Node has no xz decoder, so .xz goes through the `xz -dc` tool, and the
 * exporter prefers .gz or the plain file whenever Release lists one.
 */
export function decompressed(input: Readable, compression: Compression, label: string, maxBytes?: number): Readable {
  return bounded(input, FORMAT[compression], { label, ...(maxBytes !== undefined ? { maxBytes } : {}) });
}
