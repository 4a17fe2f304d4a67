import type { ErrorCode, Progress } from '@airlock/core';
import { readVolume, type Manifest } from '@airlock/bundle';
import type { SiteState } from '@airlock/state';
import type { Vault } from '@airlock/vault';
import { failpoint } from '../failpoint.js';
import { runVolumeTask } from '../volume-task.js';
import type { PresentVolume } from './volume-files.js';

export interface VolumeOutcome {
  number: number;
  name: string;
  status: 'ingested' | 'already' | 'missing' | 'failed';
  code?: ErrorCode;
  message?: string;
}

/**
 * Streams each present volume into the vault. Every entry is verified against the signed manifest
 * while it is written; a damaged volume is reported and the others are still ingested.
 */
export async function ingestVolumes(
  manifest: Manifest,
  manifestSha256: string,
  present: PresentVolume[],
  state: SiteState,
  vault: Vault,
  progress: Progress,
): Promise<{ outcomes: VolumeOutcome[]; blobsAdded: number; bytesAdded: number }> {
  const missing = new Set(state.missingVolumes(manifestSha256).map((v) => v.number));
  const outcomes: VolumeOutcome[] = [];
  let blobsAdded = 0;
  let bytesAdded = 0;
  for (const { volume, path } of present) {
    if (!missing.has(volume.number)) {
      outcomes.push({ number: volume.number, name: volume.name, status: 'already' });
      continue;
    }
    const failure = await runVolumeTask(progress, `importing ${volume.name}`, volume, async (advance) => {
      const added: Array<{ digest: `sha256:${string}`; size: number }> = [];
      await readVolume({
        path,
        manifest,
        volume,
        onProgress: advance,
        onEntry: async (entry) => {
          if (entry.part === undefined) {
            if ((await vault.ingest(entry.stream, { ...entry.expected, label: entry.name })) === 'added') {
              added.push(entry.expected);
              bytesAdded += entry.expected.size;
            }
          } else {
            await vault.ingestPart(entry.stream, { blob: entry.digest, index: entry.part, ...entry.expected, label: entry.name });
          }
          failpoint('import:after-first-blob');
        },
      });
      state.recordBlobs(added);
      blobsAdded += added.length;
      state.markVolumeIngested(manifestSha256, volume.number);
    });
    outcomes.push({ number: volume.number, name: volume.name, ...(failure ?? { status: 'ingested' }) });
  }
  const assembled = await assembleSplitBlobs(manifest, state, vault);
  return { outcomes, blobsAdded: blobsAdded + assembled.blobs, bytesAdded: bytesAdded + assembled.bytes };
}

/** Joins blobs that were split across volumes once all their parts are in. */
async function assembleSplitBlobs(manifest: Manifest, state: SiteState, vault: Vault): Promise<{ blobs: number; bytes: number }> {
  let blobs = 0;
  let bytes = 0;
  for (const blob of manifest.blobs) {
    if (!blob.parts || (await vault.has(blob.digest))) continue;
    if ((await vault.assemble({ digest: blob.digest, size: blob.size, parts: blob.parts })) === 'added') {
      state.recordBlob(blob.digest, blob.size);
      blobs++;
      bytes += blob.size;
    }
  }
  return { blobs, bytes };
}
