import type { Artifact, Digest } from '@airlock/core';
import type { Compression, Manifest, PlannedVolume } from '@airlock/bundle';
import type { SiteState } from '@airlock/state';
import type { AirlockHome } from '../home.js';
import { estimateVolumes, type VolumeEstimate } from './estimate-volumes.js';
import { exportSpaceNeeds, localBlobPath } from './export-space.js';
import { readFreeSpace, type FreeSpaceReader } from './free-space.js';
import { importSpaceNeeds } from './import-space.js';
import { checkSpace, diskFullError, type SpaceCheck } from './space-check.js';

export interface ExportPreflight {
  volumes: VolumeEstimate[];
  space: SpaceCheck[];
}

/** What the bundle's volumes will take, and whether they and the downloads fit where they go. */
export async function preflightExport(o: {
  home: AirlockHome;
  outDir?: string;
  bundle: { id: string; channel: string; sequence: number };
  plan: PlannedVolume[];
  blobs: Map<Digest, Artifact>;
  carried: Artifact[];
  compression: Compression;
  readFree?: FreeSpaceReader;
}): Promise<ExportPreflight> {
  const volumes = await estimateVolumes(o.bundle, o.plan, o.blobs, o.compression, (a) => localBlobPath(o.home.cache, a));
  const needs = await exportSpaceNeeds({ ...(o.outDir === undefined ? {} : { outDir: o.outDir }), cache: o.home.cache, id: o.bundle.id, estimates: volumes, carried: o.carried });
  return { volumes, space: await checkSpace(needs, o.readFree ?? readFreeSpace) };
}

/** Refuses with DISK_FULL (and the numbers) before an export writes anything it would not finish. */
export async function checkExportSpace(o: Parameters<typeof preflightExport>[0]): Promise<ExportPreflight> {
  const result = await preflightExport(o);
  const error = diskFullError(result.space, `the export of ${o.bundle.id}`);
  if (error) throw error;
  return result;
}

/** Refuses with DISK_FULL before an import ingests volumes or publishes into a disk that cannot hold them. */
export async function checkImportSpace(o: { home: AirlockHome; manifest: Manifest; manifestSha256: string; state: SiteState; present: Array<{ volume: { number: number } }>; readFree?: FreeSpaceReader }): Promise<SpaceCheck[]> {
  const readFree = o.readFree ?? readFreeSpace;
  const missing = o.state.missingVolumes(o.manifestSha256);
  const presentNumbers = new Set(o.present.map((p) => p.volume.number));
  const ingest = missing.filter((m) => presentNumbers.has(m.number));
  const needs = await importSpaceNeeds({ home: o.home, manifest: o.manifest, state: o.state, ingest, missingAfter: missing.length - ingest.length, readFree });
  const checks = await checkSpace(needs, readFree);
  const error = diskFullError(checks, `the import of ${o.manifest.id}`);
  if (error) throw error;
  return checks;
}

export type { VolumeEstimate } from './estimate-volumes.js';
export type { SpaceCheck, SpaceNeed } from './space-check.js';
export type { FreeSpace, FreeSpaceReader } from './free-space.js';
export { readFreeSpace } from './free-space.js';
