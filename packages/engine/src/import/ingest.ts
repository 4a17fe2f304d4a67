import { failpoint, isLocalFailure, type Digest, type ErrorCode, type Progress } from '@airlock/core';
import { readVolume, type Manifest } from '@airlock/bundle';
import type { SiteState } from '@airlock/state';
import type { IngestBatch, Vault } from '@airlock/vault';
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
  for (const { volume, path, refused } of present) {
    if (!missing.has(volume.number)) {
      outcomes.push({ number: volume.number, name: volume.name, status: 'already' });
      continue;
    }
    if (refused) {
      outcomes.push({ number: volume.number, name: volume.name, status: 'failed', code: refused.code, message: refused.message });
      continue;
    }
    const failure = await runVolumeTask(progress, `importing ${volume.name}`, volume, async (advance) => {
      // Read once per volume: nothing is indexed while the volume is read, only after its batch commits.
      const held = state.heldBlobs(volume.entries.map((e) => e.digest));
      const added = await ingestVolume(manifest, volume, path, vault.batch((digest) => held.has(digest)), advance, (stored) => {
        failpoint('import:volume-read');
        state.recordVolumeIngested(manifestSha256, volume.number, stored);
        failpoint('import:volume-recorded');
      });
      blobsAdded += added.blobs;
      bytesAdded += added.bytes;
    });
    outcomes.push({ number: volume.number, name: volume.name, ...(failure ?? { status: 'ingested' }) });
  }
  const assembled = await assembleSplitBlobs(manifest, manifestSha256, state, vault);
  return { outcomes, blobsAdded: blobsAdded + assembled.blobs, bytesAdded: bytesAdded + assembled.bytes, reopened: assembled.reopened };
}

/**
 * One volume into the vault through a batch: every entry is verified while written to a temp file,
 * and the batch is committed (durable, in place) before `record` indexes the volume's blobs. When
 * the volume turns out damaged, the blobs verified before the damage are still kept.
 */
async function ingestVolume(
  manifest: Manifest,
  volume: Manifest['volumes'][number],
  path: string,
  batch: IngestBatch,
  advance: (bytes: number) => void,
  record: (stored: Array<{ digest: Digest; size: number }>) => void,
): Promise<{ blobs: number; bytes: number }> {
  // Every whole blob this volume holds, new or already stored, is indexed with the volume.
  const stored: Array<{ digest: Digest; size: number }> = [];
  let blobs = 0;
  let bytes = 0;
  try {
    await readVolume({
      path,
      manifest,
      volume,
      onProgress: advance,
      openEntry: async (entry) => {
        const expected = { ...entry.expected, label: entry.name };
        const sink = entry.part === undefined ? await batch.blob(expected) : await batch.part(entry.digest, expected);
        return {
          write: (piece, keep) => sink.write(piece, keep),
          end: () => {
            const outcome = sink.end();
            if (entry.part === undefined) {
              stored.push(entry.expected);
              if (outcome === 'added') {
                blobs++;
                bytes += entry.expected.size;
              }
            }
            failpoint('import:entry-stored');
          },
          abort: () => sink.abort(),
        };
      },
    });
  } catch (err) {
    if (isLocalFailure(err)) batch.discard();
    else await batch.commit();
    throw err;
  }
  await batch.commit();
  record(stored);
  return { blobs, bytes };
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
