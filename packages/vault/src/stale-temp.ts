import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tempOwner } from './vault-layout.js';

/**
 * Removes temp files whose writer is gone (a run killed mid-write). Files of live processes stay,
 * so initialising a vault never breaks another process's ingest in progress.
 */
export async function removeStaleTemp(tempDir: string): Promise<number> {
  let removed = 0;
  for (const name of await readdir(tempDir)) {
    const owner = tempOwner(name);
    if (owner !== null && isAlive(owner)) continue;
    await rm(join(tempDir, name), { recursive: true, force: true });
    removed += 1;
  }
  return removed;
}

function isAlive(pid: number): boolean {
  if (pid <= 0) return false; // 0 and negatives address process groups, not a writer
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
