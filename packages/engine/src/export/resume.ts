import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalJson, hashFilesParallel, sha256Hex } from '@airlock/core';
import { volumeFileName, type Compression, type PlannedVolume, type WrittenVolume } from '@airlock/bundle';
import type { ExportState } from '@airlock/state';
import type { Selection } from './select.js';

/** Names exactly what a volume's bytes are made from; a volume packed from the same plan is the same volume. */
export function volumePlanSha256(selection: Selection, channel: string, planned: PlannedVolume, compression: Compression): string {
  return sha256Hex(Buffer.from(canonicalJson({ bundle: selection.id, channel, sequence: selection.sequence, number: planned.number, compression, entries: planned.entries })));
}

/**
 * The volumes an interrupted run of this same export already wrote into `outDir`: recorded with
 * the same plan, still there under their name, and still hashing to what was written (every kept
 * file is read again, on all cores). Anything else is packed again.
 */
export async function keptVolumes(state: ExportState, channel: string, selection: Selection, outDir: string, compression: Compression): Promise<Map<number, WrittenVolume>> {
  const recorded = new Map(state.writtenVolumes(channel, selection.id).map((r) => [r.number, r]));
  const candidates: WrittenVolume[] = [];
  for (const planned of selection.plan) {
    const record = recorded.get(planned.number);
    if (!record || record.planSha256 !== volumePlanSha256(selection, channel, planned, compression)) continue;
    if (record.name !== volumeFileName(selection.id, planned.number, compression)) continue;
    const size = await stat(join(outDir, record.name)).then((s) => (s.isFile() ? s.size : -1), () => -1);
    if (size === record.size) candidates.push({ number: record.number, name: record.name, size: record.size, sha256: record.sha256, parts: record.parts });
  }
  const hashed = await hashFilesParallel(candidates.map((c) => ({ path: join(outDir, c.name), size: c.size })));
  const kept = new Map<number, WrittenVolume>();
  candidates.forEach((candidate, i) => {
    const outcome = hashed[i];
    if (outcome && !('error' in outcome) && outcome.digest === `sha256:${candidate.sha256}`) kept.set(candidate.number, candidate);
  });
  return kept;
}
