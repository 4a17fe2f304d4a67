import { AirlockError, digestHex, isPlainName, type Digest } from '@airlock/core';
import type { Compression } from './manifest-types.js';

export const BUNDLE_FORMAT = 'airlock-bundle';
export const BUNDLE_FORMAT_VERSION = 1;

export const SHA256SUMS_FILE = 'SHA256SUMS';
export const SIGNATURE_SUFFIX = '.asc';
export const MANIFEST_SUFFIX = '.manifest.json';
export const VOLUME_JSON_NAME = 'volume.json';

/** `<channel>-<sequence padded to 6>`, e.g. `dc1-000042`. */
export function bundleId(channel: string, sequence: number): string {
  if (!isPlainName(channel)) throw new AirlockError('USAGE', `channel ${JSON.stringify(channel)} must be a plain name (letters, digits, '.', '_', '-')`);
  if (!Number.isSafeInteger(sequence) || sequence < 1) throw new AirlockError('USAGE', `bundle sequence must be a whole number from 1, got ${sequence}`);
  return `${channel}-${String(sequence).padStart(6, '0')}`;
}

export function manifestFileName(id: string): string {
  return `${id}${MANIFEST_SUFFIX}`;
}

export function volumeFileName(id: string, n: number, c: Compression): string {
  return `${id}.vol-${String(n).padStart(4, '0')}.tar${c === 'zstd' ? '.zst' : ''}`;
}

/** The tar entry name of a whole blob or of one part of a split blob. */
export function blobEntryName(digest: Digest, part?: number): string {
  const base = `blobs/sha256/${digestHex(digest)}`;
  return part === undefined ? base : `${base}.part-${part}`;
}
