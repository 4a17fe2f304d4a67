import type { Digest } from '@airlock/core';
import type { Manifest } from '@airlock/bundle';
import type { SiteState } from '@airlock/state';
import type { AirlockHome } from '../home.js';
import type { FreeSpaceReader } from './free-space.js';
import type { SpaceNeed } from './space-check.js';

/** Republished metadata (Packages, repodata, products files, indexes) is about the size of the catalogs; twice that plus this covers it. */
const STAGING_BASE = 8 * 1024 * 1024;

/**
 * The vault gets every blob of the volumes at hand that it lacks (a split blob twice: its parts,
 * then the joined blob). When this run completes the bundle, staging gets the republished
 * metadata, and every blob in full if the publish tree is on another filesystem than the vault
 * (hardlinks become copies there).
 */
export async function importSpaceNeeds(o: {
  home: AirlockHome;
  manifest: Manifest;
  state: SiteState;
  ingest: Array<{ number: number }>;
  missingAfter: number;
  readFree: FreeSpaceReader;
}): Promise<SpaceNeed[]> {
  const { manifest, state } = o;
  const blobs = new Map(manifest.blobs.map((b) => [b.digest, b]));
  const sizes = new Map<Digest, number>(manifest.blobs.map((b) => [b.digest, b.size]));
  const numbers = new Set(o.ingest.map((v) => v.number));
  let vault = 0;
  const ingested = manifest.volumes.filter((v) => numbers.has(v.number));
  const held = state.heldBlobs(ingested.flatMap((v) => v.entries.map((e) => e.digest)));
  for (const volume of ingested) {
    for (const entry of volume.entries) {
      if (held.has(entry.digest)) continue;
      const blob = blobs.get(entry.digest);
      const part = entry.part === undefined ? undefined : blob?.parts?.[entry.part];
      vault += part ? part.size * 2 : (sizes.get(entry.digest) ?? 0);
    }
  }
  const needs: SpaceNeed[] = [{ where: 'vault', path: o.home.vault, bytes: vault }];
  if (o.missingAfter === 0) {
    const catalogs = manifest.sources.reduce((n, s) => n + (sizes.get(s.catalog) ?? 0), 0);
    let staging = STAGING_BASE + 2 * catalogs;
    const [vaultFs, publishFs] = await Promise.all([o.readFree(o.home.vault), o.readFree(o.home.publish)]);
    if (vaultFs.device !== publishFs.device) {
      const required = new Set(manifest.sources.flatMap((s) => s.requires));
      for (const digest of required) staging += sizes.get(digest) ?? 0;
    }
    needs.push({ where: 'staging', path: o.home.publish, bytes: staging });
  }
  return needs;
}
