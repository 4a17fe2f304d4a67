import { availableParallelism } from 'node:os';
import type { Progress } from '@airlock/core';
import { writeVolume, type Compression, type WrittenVolume } from '@airlock/bundle';
import type { ExportState } from '@airlock/state';
import { failpoint } from '../failpoint.js';
import type { BlobReader } from './blob-reader.js';
import { keptVolumes, volumePlanSha256 } from './resume.js';
import type { Selection } from './select.js';

export interface PackedVolume extends WrittenVolume {
  /** Written by an interrupted run of the same export and kept, not packed again. */
  kept: boolean;
}

/**
 * Packs every planned volume into `outDir`, keeping those an interrupted run of the same export
 * already wrote and that still verify. Each volume is noted in the export state once it is
 * durable under its final name, so a crash costs at most the volume being packed.
 */
export async function packVolumes(o: {
  outDir: string;
  config: { channel: string };
  progress: Progress;
  selection: Selection;
  reader: BlobReader;
  compression: Compression;
  state: ExportState;
}): Promise<PackedVolume[]> {
  const { selection, compression, state } = o;
  const channel = o.config.channel;
  const kept = await keptVolumes(state, channel, selection, o.outDir, compression);
  const toPack = selection.plan.filter((p) => !kept.has(p.number));
  const task = o.progress.task(`packing ${toPack.length} volume(s)`, toPack.reduce((sum, p) => sum + p.entries.reduce((n, e) => n + e.size, 0), 0), 'bytes');
  if (kept.size > 0) o.progress.info(`kept ${kept.size} volume(s) an interrupted run of this export had written and that still verify`);
  const packed: PackedVolume[] = [];
  for (const planned of selection.plan) {
    const done = kept.get(planned.number);
    if (done) {
      packed.push({ ...done, kept: true });
      continue;
    }
    const written = await writeVolume({
      dir: o.outDir,
      bundleId: selection.id,
      channel,
      sequence: selection.sequence,
      number: planned.number,
      compression,
      threads: availableParallelism(),
      entries: planned.entries,
      open: (digest, offset, length) => o.reader.open(digest, offset, length),
      pathOf: (digest) => o.reader.pathOf(digest),
      settledOf: (digest) => o.reader.settledOf(digest),
      expectedDigest: (digest) => digest,
      onProgress: (bytes) => task.advance(bytes),
    });
    state.recordWrittenVolume(channel, selection.id, { ...written, planSha256: volumePlanSha256(selection, channel, planned, compression) });
    packed.push({ ...written, kept: false });
    failpoint('export:volume-written');
  }
  task.done();
  return packed;
}
