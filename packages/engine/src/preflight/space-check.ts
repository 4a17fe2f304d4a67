import { AirlockError, formatSize } from '@airlock/core';
import type { FreeSpaceReader } from './free-space.js';

/** One place a command will write to, and how many bytes it will write there at most. */
export interface SpaceNeed {
  /** What is written there: bundle directory, cache, vault, staging. */
  where: string;
  path: string;
  bytes: number;
}

/** Free space of one filesystem against everything that will be written to it. */
export interface SpaceCheck {
  /** Each need on this filesystem, e.g. `vault` and `staging`. */
  where: string[];
  paths: string[];
  needed: number;
  free: number;
  ok: boolean;
}

/** Room left over on purpose: filesystems misbehave when completely full, and estimates are estimates. */
export const SPACE_RESERVE = 16 * 1024 * 1024;

/** Sums the needs per filesystem (several places on one disk share its free space). */
export async function checkSpace(needs: SpaceNeed[], readFree: FreeSpaceReader): Promise<SpaceCheck[]> {
  const byDevice = new Map<number, SpaceCheck>();
  for (const need of needs) {
    const space = await readFree(need.path);
    const check = byDevice.get(space.device) ?? { where: [], paths: [], needed: 0, free: space.free, ok: true };
    check.where.push(need.where);
    check.paths.push(need.path);
    check.needed += need.bytes;
    byDevice.set(space.device, check);
  }
  const checks = [...byDevice.values()];
  for (const check of checks) check.ok = check.needed === 0 || check.needed + SPACE_RESERVE <= check.free;
  return checks;
}

/** DISK_FULL with the numbers, before anything was written; undefined when everything fits. */
export function diskFullError(checks: SpaceCheck[], command: string): AirlockError | undefined {
  const short = checks.filter((c) => !c.ok);
  if (short.length === 0) return undefined;
  const lines = short.map((c) => `${c.where.join(' + ')} (${c.paths.join(', ')}): needs ${formatSize(c.needed)} (+ ${formatSize(SPACE_RESERVE)} spare), ${formatSize(c.free)} free`);
  return new AirlockError('DISK_FULL', `not enough free space for ${command}; stopped before it began:\n  - ${lines.join('\n  - ')}`, {
    details: { space: short.map((c) => ({ where: c.where, paths: c.paths, needed: c.needed, free: c.free, reserve: SPACE_RESERVE })) },
  });
}
