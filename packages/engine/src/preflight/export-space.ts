import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { digestHex, type Artifact } from '@airlock/core';
import type { VolumeEstimate } from './estimate-volumes.js';
import type { SpaceNeed } from './space-check.js';

/** Manifest, its signature and SHA256SUMS: a few hundred bytes per blob and volume. */
const BUNDLE_FILES_PER_BLOB = 320;
const BUNDLE_FILES_BASE = 64 * 1024;

/**
 * Where a carried blob is on disk already: its file (known at once, so 100,000s of local files
 * cost no promise each), or its copy in the export cache.
 */
export function localBlobPath(cache: string, artifact: Artifact): string | undefined | Promise<string | undefined> {
  return artifact.source.kind === 'file' ? artifact.source.path : cachedBlobPath(cache, artifact);
}

async function cachedBlobPath(cache: string, artifact: Artifact): Promise<string | undefined> {
  const cached = join(cache, 'blobs', digestHex(artifact.digest));
  try {
    return (await stat(cached)).size === artifact.size ? cached : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The bundle directory gets every volume (volumes of the same bundle left by an interrupted run
 * are replaced, so they count as free, less the largest volume written beside its old copy), and
 * the cache gets every carried blob that must still be downloaded.
 */
export async function exportSpaceNeeds(o: { outDir?: string; cache: string; id: string; estimates: VolumeEstimate[]; carried: Artifact[] }): Promise<SpaceNeed[]> {
  const needs: SpaceNeed[] = [];
  if (o.outDir !== undefined) {
    const volumes = o.estimates.reduce((n, v) => n + v.estimatedBytes, 0);
    const largest = o.estimates.reduce((n, v) => Math.max(n, v.estimatedBytes), 0);
    const replaced = await existingVolumeBytes(o.outDir, o.id);
    const files = BUNDLE_FILES_BASE + BUNDLE_FILES_PER_BLOB * (o.carried.length + o.estimates.length);
    needs.push({ where: 'bundle directory', path: o.outDir, bytes: Math.max(Math.min(volumes, volumes - replaced + largest), 0) + files });
  }
  let downloads = 0;
  for (const artifact of o.carried) {
    const path = localBlobPath(o.cache, artifact);
    if ((typeof path === 'object' ? await path : path) === undefined) downloads += artifact.size;
  }
  needs.push({ where: 'cache', path: o.cache, bytes: downloads });
  return needs;
}

async function existingVolumeBytes(dir: string, id: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let bytes = 0;
  for (const name of names) if (name.startsWith(`${id}.vol-`)) bytes += (await stat(join(dir, name))).size;
  return bytes;
}
