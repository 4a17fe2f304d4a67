import type { Artifact, Digest } from '@airlock/core';
import { bundleId, planVolumes, type Compression, type PlannedVolume } from '@airlock/bundle';
import type { ExportState } from '@airlock/state';
import type { ResolvedSource } from './resolve-sources.js';
import { uniqueBlobs } from './resolve-sources.js';

export interface Selection {
  id: string;
  sequence: number;
  base: { sequence: number; id: string } | null;
  blobs: Map<Digest, Artifact>;
  carried: Artifact[];
  plan: PlannedVolume[];
}

/**
 * Decides what the next bundle on a channel carries: everything for a full bundle, otherwise only
 * blobs never shipped on this channel (the base bundle and its predecessors carried the rest).
 */
export function selectCarried(
  sources: ResolvedSource[],
  state: ExportState,
  channel: string,
  options: {
    full: boolean;
    maxVolumeSize: number;
    compression: Compression;
    base?: { sequence: number; id: string } | null;
    /** What the site holds (from a receipt that was verified but not applied): used instead of the shipped record. */
    held?: ReadonlySet<Digest>;
  },
): Selection {
  const blobs = uniqueBlobs(sources);
  const last = state.lastBundle(channel);
  const sequence = (last?.sequence ?? 0) + 1;
  const fromHistory = last ? { sequence: last.sequence, id: last.id } : null;
  const base = options.full ? null : options.base !== undefined ? options.base : fromHistory;
  const all = [...blobs.values()];
  const held = options.held;
  const carried = base === null ? all : held ? all.filter((a) => !held.has(a.digest)) : state.unshipped(channel, all);
  const plan = planVolumes(
    carried.map(({ digest, size }) => ({ digest, size })),
    { maxVolumeSize: options.maxVolumeSize, compression: options.compression },
  );
  return { id: bundleId(channel, sequence), sequence, base, blobs, carried, plan };
}

export function totals(artifacts: Iterable<Artifact>): { blobs: number; bytes: number } {
  let blobs = 0;
  let bytes = 0;
  for (const a of artifacts) {
    blobs++;
    bytes += a.size;
  }
  return { blobs, bytes };
}
