import { realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { isMissingFileError } from '@airlock/core';

/**
 * The real path of `segments` under `realRoot`, or null when it does not exist or resolves
 * (through a symlink) to anywhere outside `realRoot`.
 */
export async function resolveInside(realRoot: string, segments: string[]): Promise<string | null> {
  let real: string;
  try {
    real = await realpath(join(realRoot, ...segments));
  } catch (err) {
    if (isMissingFileError(err) || (err as NodeJS.ErrnoException).code === 'ELOOP') return null;
    throw err; // EMFILE, EIO…: a failure, not a 404
  }
  return isInside(realRoot, real) ? real : null;
}

export function isInside(realRoot: string, real: string): boolean {
  return real === realRoot || real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
}
