import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AirlockError, ensureDir } from '@airlock/core';

/**
 * A bundle directory holds one bundle. Re-running an interrupted export of the same bundle reuses
 * the directory (stale temp files are removed); a directory holding another bundle is refused.
 */
export async function prepareOutDir(dir: string, id: string): Promise<void> {
  await ensureDir(dir);
  for (const name of await readdir(dir)) {
    if (name.endsWith('.manifest.json') && name !== `${id}.manifest.json`) {
      throw new AirlockError('USAGE', `${dir} already holds the bundle ${name.replace(/\.manifest\.json$/, '')}; export into an empty directory`);
    }
    if (name.startsWith('.') && name.endsWith('.tmp')) await rm(join(dir, name), { force: true });
  }
}

/** Removes volumes of this bundle id that a previous, interrupted run left and this run did not write. */
export async function removeStaleVolumes(dir: string, id: string, keep: Set<string>): Promise<void> {
  for (const name of await readdir(dir)) {
    if (name.startsWith(`${id}.vol-`) && !keep.has(name)) await rm(join(dir, name), { force: true });
  }
}
