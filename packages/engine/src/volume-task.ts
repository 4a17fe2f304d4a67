import { isAirlockError, isLocalFailure, type ErrorCode, type Progress } from '@airlock/core';
import type { ManifestVolume } from '@airlock/bundle';

export interface VolumeFailure {
  status: 'failed';
  code: ErrorCode;
  message: string;
}

/**
 * Runs one volume's work under a progress task. A coded error becomes a failure for that volume
 * only, so the others are still processed (a damaged volume costs only itself). A failure of the
 * site itself (DISK_FULL, a vault write error, its state database) is not the volume's fault and
 * propagates, as does anything uncoded (a bug).
 */
export async function runVolumeTask(
  progress: Progress,
  label: string,
  volume: ManifestVolume,
  work: (advance: (bytes: number) => void) => Promise<void>,
): Promise<VolumeFailure | undefined> {
  const task = progress.task(label, volume.size, 'bytes');
  try {
    await work((bytes) => task.advance(bytes));
    return undefined;
  } catch (err) {
    if (!isAirlockError(err) || isLocalFailure(err) || err.code === 'STATE_ERROR' || err.code === 'LOCKED') throw err;
    return { status: 'failed', code: err.code, message: err.message };
  } finally {
    task.done();
  }
}
