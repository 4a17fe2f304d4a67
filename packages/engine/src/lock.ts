import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AirlockError, ensureDir } from '@airlock/core';
import { ProcessLock } from '@airlock/state';

/** Who holds the lock, for the operator; informational only (the lock itself is the kernel's). */
const ownerFile = (path: string): string => `${path}.owner`;

/**
 * One airlock process per home at a time. The lock is released by the kernel when its holder
 * exits or is killed (SIGKILL, OOM, power loss), so an interrupted run can simply be re-run and
 * no two processes can ever hold it together.
 */
export async function acquireLock(path: string, purpose: string): Promise<() => Promise<void>> {
  await ensureDir(dirname(path));
  const lock = ProcessLock.tryAcquire(path);
  if (!lock) {
    const [pidText, owner] = (await readFile(ownerFile(path), 'utf8').catch(() => '')).split('\n');
    // The owner file may still name a holder that died, or not yet name the new one.
    const pid = Number(pidText) > 0 && isAlive(Number(pidText)) ? Number(pidText) : null;
    const who = pid ? `pid ${pid}, ${owner || 'unknown'}` : 'pid unknown';
    throw new AirlockError('LOCKED', `another airlock process (${who}) is using this home; wait for it to finish, then run the command again`, {
      details: { pid, purpose: pid ? owner || null : null, lock: path },
    });
  }
  await writeFile(ownerFile(path), `${process.pid}\n${purpose}\n`).catch(() => undefined);
  return async () => {
    await rm(ownerFile(path), { force: true }).catch(() => undefined);
    lock.release();
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function withLock<T>(path: string, purpose: string, fn: () => Promise<T>): Promise<T> {
  const release = await acquireLock(path, purpose);
  try {
    return await fn();
  } finally {
    await release();
  }
}
