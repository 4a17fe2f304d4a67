import type { Digest } from '@airlock/core';
import type { Manifest } from '@airlock/bundle';
import type { SiteState } from '@airlock/state';
import type { AssembleResult } from '@airlock/vault';
import type { VolumeOutcome } from './ingest.js';

/**
 * The volumes of `manifest` that carry the parts of `blob` the vault lacks or discarded, and that
 * the site had recorded as ingested: they are marked missing again, so the operator is told to
 * bring exactly those volumes. Volumes still missing anyway are left as they are.
 */
export function reopenVolumesOf(manifest: Manifest, manifestSha256: string, state: SiteState, blob: Digest, result: AssembleResult): VolumeOutcome[] {
  const lost = new Map([...result.missing, ...result.discarded].map((part) => [part.index, result.discarded.includes(part)]));
  const outcomes: VolumeOutcome[] = [];
  for (const volume of manifest.volumes) {
    const carried = volume.entries.filter((e) => e.digest === blob && e.part !== undefined && lost.has(e.part));
    if (carried.length === 0 || !state.markVolumeMissing(manifestSha256, volume.number)) continue;
    const damaged = carried.some((e) => lost.get(e.part as number) === true);
    outcomes.push({
      number: volume.number,
      name: volume.name,
      status: 'missing',
      message: `part ${carried.map((e) => e.part).join(', ')} of ${blob} ${damaged ? 'was damaged in the vault and removed' : 'is no longer in the vault'}; bring ${volume.name} again and re-run the import`,
    });
  }
  return outcomes;
}
