import { failpoint, type Digest, type ErrorCode, type Progress } from '@airlock/core';
import { readVolume, type Manifest } from '@airlock/bundle';
import type { SiteState } from '@airlock/state';
import type { Vault } from '@airlock/vault';
import { runVolumeTask } from '../volume-task.js';
import { reopenVolumesOf } from './reopen-volumes.js';
import type { PresentVolume } from './volume-files.js';

export interface VolumeOutcome {
  number: number;
  name: string;
  status: 'ingested' | 'already' | 'missing' | 'failed';
  code?: ErrorCode;
  message?: string;
}

export interface IngestSummary {
  outcomes: VolumeOutcome[];
  blobsAdded: number;
  bytesAdded: number;
  /** Volumes that had been ingested but must be brought again (the vault lost a part they carried). */
  reopened: VolumeOutcome[];
}

/**
 * Streams each present volume into the vault. Every entry is verified against the signed manifest
 * while it is written; a damaged volume is reported and the others are still ingested. A failure
 * of the site itself (disk full, a vault write error) is not the volume's fault and ends the import.
 */
export async function ingestVolumes(
  manifest: Manifest,
  manifestSha256: string,
  present: PresentVolume[],
  state: SiteState,
  vault: Vault,
  progress: Progress,
): Promise<IngestSummary> {
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
      // Every whole blob this volume holds, new or already stored, is indexed with the volume.
      const stored: Array<{ digest: Digest; size: number }> = [];
      await readVolume({
        path,
        manifest,
        volume,
        onProgress: advance,
        onEntry: async (entry) => {
          if (entry.part === undefined) {
            if ((await vault.ingest(entry.stream, { ...entry.expected, label: entry.name })) === 'added') {
              blobsAdded++;
              bytesAdded += entry.expected.size;
            }
            stored.push(entry.expected);
          } else {
            await vault.ingestPart(entry.stream, { blob: entry.digest, index: entry.part, ...entry.expected, label: entry.name });
          }
          failpoint('import:entry-stored');
        },
      });
      failpoint('import:volume-read');
      state.recordVolumeIngested(manifestSha256, volume.number, stored);
      failpoint('import:volume-recorded');
    });
    outcomes.push({ number: volume.number, name: volume.name, ...(failure ?? { status: 'ingested' }) });
  }
  const assembled = await assembleSplitBlobs(manifest, manifestSha256, state, vault);
  return { outcomes, blobsAdded: blobsAdded + assembled.blobs, bytesAdded: bytesAdded + assembled.bytes, reopened: assembled.reopened };
}

/**
 * Joins blobs that were split across volumes once all their parts are in. A blob found already
 * assembled is indexed too (a crash may have come between the two). A part the vault lacks or had
 * to discard, although the volume that carried it was ingested, sends that volume back to missing.
 */
async function assembleSplitBlobs(
  manifest: Manifest,
  manifestSha256: string,
  state: SiteState,
  vault: Vault,
): Promise<{ blobs: number; bytes: number; reopened: VolumeOutcome[] }> {
  let blobs = 0;
  let bytes = 0;
  const reopened: VolumeOutcome[] = [];
  for (const blob of manifest.blobs) {
    if (!blob.parts) continue;
    const result = await vault.assemble({ digest: blob.digest, size: blob.size, parts: blob.parts });
    if (result.status === 'incomplete') {
      reopened.push(...reopenVolumesOf(manifest, manifestSha256, state, blob.digest, result));
      continue;
    }
    failpoint('import:assembled');
    if (state.recordBlob(blob.digest, blob.size) && result.status === 'added') {
      blobs++;
      bytes += blob.size;
    }
  }
  return { blobs, bytes, reopened };
}
