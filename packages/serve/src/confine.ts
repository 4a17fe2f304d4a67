import { realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';

/**
 * The real path of `segments` under `realRoot`, or null when it does not exist or resolves
 * (through a symlink) to anywhere outside `realRoot`.
 */
export async function resolveInside(realRoot: string, segments: string[]): Promise<string | null> {
  let real: string;
  try {
    real = await realpath(join(realRoot, ...segments));
  } catch {
    return null;
  }
  return isInside(realRoot, real) ? real : null;
}

export function isInside(realRoot: string, real: string): boolean {
  return real === realRoot || real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
}
