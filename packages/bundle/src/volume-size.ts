import { compress } from 'zstd-napi';
import type { PlannedVolume } from './plan-volumes.js';
import { TAR_END_OF_ARCHIVE, tarEntryBytes } from './tar-layout.js';
import { zstdWorstCase } from './volume-capacity.js';
import { plannedVolumeJson } from './volume-json.js';

/** The exact size of a planned volume's tar stream (before compression), as the writer will produce it. */
export function volumeTarBytes(bundle: { id: string; channel: string; sequence: number }, volume: PlannedVolume): number {
  const json = plannedVolumeJson(bundle, volume.number, volume.entries);
  return tarEntryBytes(json.length) + volume.entries.reduce((n, e) => n + tarEntryBytes(e.size), 0) + TAR_END_OF_ARCHIVE;
}

/** The most a zstd volume of `tarBytes` can take (incompressible data stored raw). */
export function zstdVolumeBound(tarBytes: number): number {
  return zstdWorstCase(tarBytes);
}

/** The writer's default zstd level; the planner's samples are compressed the same way. */
export const VOLUME_ZSTD_LEVEL = 3;

/** compressed/raw of a sample of volume bytes at the writer's level (1 for an empty sample). */
export function zstdSampleRatio(sample: Uint8Array): number {
  return sample.length === 0 ? 1 : compress(sample, { compressionLevel: VOLUME_ZSTD_LEVEL }).length / sample.length;
}
