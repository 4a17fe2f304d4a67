import { AirlockError, formatSize, isAirlockError, spaceReport, typedFsError, type Digest } from '@airlock/core';
import type { Manifest } from '@airlock/bundle';
import { Snapshots, type Vault } from '@airlock/vault';
import type { AirlockHome } from './home.js';

/** Where the full disk was hit: the path the failing write named, else `fallback`. */
function failedPath(err: AirlockError, fallback: string): string {
  const path = err.details?.path;
  return typeof path === 'string' ? path : fallback;
}

/** What an import had got to, so a disk-full report can say what the bundle still needs. */
export interface ImportProgressSoFar {
  vault: Vault | null;
  manifest: Manifest | null;
}

/**
 * Runs an import (inside its lock), turning a DISK_FULL from anywhere in it into the full report;
 * a raw filesystem error that escaped typing becomes DISK_FULL or IO_ERROR with its path.
 */
export async function reportingDiskFull<T>(home: AirlockHome, at: ImportProgressSoFar, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (raw) {
    const err = typedFsError(raw, home.root, 'importing');
    if (isAirlockError(err, 'DISK_FULL')) throw await importDiskFull(err, home, at.vault, at.manifest);
    throw err;
  }
}

/** The same for an export: a full disk says where and what a re-run does. */
export async function reportingExportDiskFull<T>(outDir: string, home: AirlockHome, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (raw) {
    const err = typedFsError(raw, outDir, 'exporting');
    if (isAirlockError(err, 'DISK_FULL')) throw await exportDiskFull(err, outDir, home);
    throw err;
  }
}

/**
 * An import stopped by a full disk: says where and how much space there is and what the bundle
 * still needs, and that the live publication was not touched. Staging leftovers are removed first,
 * so the space they took is free again and the figures are true.
 */
async function importDiskFull(err: AirlockError, home: AirlockHome, vault: Vault | null, manifest: Manifest | null): Promise<AirlockError> {
  const snapshots = new Snapshots(home.publish);
  await snapshots.cleanStaging().catch(() => undefined);
  const current = await snapshots.currentId().catch(() => null);
  const space = await spaceReport(failedPath(err, home.root));
  const needed = vault && manifest ? await bytesStillNeeded(vault, manifest) : null;
  const live = current ? `the current publication (snapshot ${current}) is intact and still served` : 'nothing had been published yet, and nothing half-built is served';
  return new AirlockError(
    'DISK_FULL',
    [
      err.message,
      space ? `Now ${space}; ${needed ? `the bundle still needs about ${formatSize(needed)} in the vault, plus room to publish` : 'the bundle needs room to be published'}.` : null,
      `Nothing was lost: ${live}, and what was already verified stays in the vault.`,
      `Free space there (or move the airlock home to a larger disk), then run the import again.`,
    ]
      .filter((line) => line !== null)
      .join('\n'),
    { cause: err, details: { ...err.details, current, neededBytes: needed } },
  );
}

/** An export stopped by a full disk: where, how much is free, and what re-running does. */
async function exportDiskFull(err: AirlockError, outDir: string, home: AirlockHome): Promise<AirlockError> {
  const path = failedPath(err, outDir);
  const space = await spaceReport(path);
  return new AirlockError(
    'DISK_FULL',
    [
      err.message,
      space ? `Now ${space}.` : null,
      `No bundle was recorded for the channel, so running the export again writes this bundle afresh (downloads already in ${home.cache} are kept).`,
      'Free space there (or export to a larger disk), then run the export again.',
    ]
      .filter((line) => line !== null)
      .join('\n'),
    { cause: err, details: { ...err.details } },
  );
}

async function bytesStillNeeded(vault: Vault, manifest: Manifest): Promise<number | null> {
  try {
    let bytes = 0;
    for (const blob of manifest.blobs) if (!(await vault.has(blob.digest as Digest))) bytes += blob.size;
    return bytes;
  } catch {
    return null;
  }
}
