import { AirlockError } from '@airlock/core';
import type { Compression } from './manifest-types.js';
import { TAR_BLOCK, TAR_END_OF_ARCHIVE, tarEntryBytes } from './tar-layout.js';
import { volumeJsonBudget } from './volume-json.js';

/** Below this a volume cannot hold its own bookkeeping plus useful data. */
export const MIN_VOLUME_SIZE = 64 * 1024;

/**
 * Worst-case zstd output for `tarBytes` of input. Incompressible data is stored in raw blocks of
 * at most 128 KiB with a 3-byte header each, plus a frame header and checksum; this reserves
 * 8 bytes per 16 KiB and 8 KiB on top, several times the real worst case.
 */
export function zstdWorstCase(tarBytes: number): number {
  return tarBytes + Math.ceil(tarBytes / 16384) * 8 + 8192;
}

/** Exact tar bytes of a volume whose volume.json is at its reserved upper bound. */
export function tarBytesFor(entryCount: number, entryBytes: number): number {
  return tarEntryBytes(volumeJsonBudget(entryCount)) + entryBytes + TAR_END_OF_ARCHIVE;
}

/** The largest tar stream whose volume file is guaranteed to stay within `maxVolumeSize`. */
export function maxTarBytes(maxVolumeSize: number, compression: Compression): number {
  if (!Number.isSafeInteger(maxVolumeSize) || maxVolumeSize < MIN_VOLUME_SIZE) {
    throw new AirlockError('VOLUME_TOO_LARGE', `a maximum volume size of ${maxVolumeSize} bytes cannot hold any content; use at least ${MIN_VOLUME_SIZE} bytes (64KiB)`);
  }
  if (compression === 'none') return floorBlock(maxVolumeSize);
  let tar = floorBlock(Math.floor(((maxVolumeSize - 8192) * 16384) / 16392));
  while (zstdWorstCase(tar) > maxVolumeSize) tar -= TAR_BLOCK;
  return tar;
}

export function floorBlock(bytes: number): number {
  return bytes - (bytes % TAR_BLOCK);
}
