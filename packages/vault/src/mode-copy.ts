import { constants } from 'node:fs';
import { chmod, copyFile, rm } from 'node:fs/promises';
import { commitFile, fsError, pathExists } from '@airlock/core';

/**
 * Published files never carry write bits, nor setuid/setgid/sticky bits: the catalog that names
 * a mode comes from upstream, and a setuid file in the publication tree would be a gift to an attacker.
 */
export function publishedMode(mode: number): number {
  return mode & 0o555;
}

/**
 * Makes, once, a copy of `blobPath` with `mode` at `copyPath`, so files that need another mode can
 * still be hardlinks while the stored blob keeps its own mode. Built in `tmp`, then renamed into place.
 */
export async function ensureModeCopy(blobPath: string, copyPath: string, mode: number, tmp: string): Promise<void> {
  if (await pathExists(copyPath)) return;
  try {
    await copyFile(blobPath, tmp, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
    await chmod(tmp, mode);
    await commitFile(tmp, copyPath);
  } catch (err) {
    throw fsError(err, copyPath, `making a mode ${mode.toString(8)} copy of ${blobPath}`);
  } finally {
    await rm(tmp, { force: true });
  }
}
