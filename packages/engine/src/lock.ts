import { open, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AirlockError, ensureDir } from '@airlock/core';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One airlock process per home at a time. The lock file holds the owner's pid; a lock whose owner
 * died (SIGKILL, power loss) is taken over, so an interrupted run can simply be re-run.
 */
export async function acquireLock(path: string, purpose: string): Promise<() => Promise<void>> {
  await ensureDir(dirname(path));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n${purpose}\n`);
      await handle.close();
      return async () => {
        await rm(path, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const [pidText, owner] = (await readFile(path, 'utf8').catch(() => '')).split('\n');
      const pid = Number(pidText);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) {
        throw new AirlockError('LOCKED', `another airlock process (pid ${pid}, ${owner ?? 'unknown'}) is using this home; wait for it to finish`, {
          details: { pid, lock: path },
        });
      }
      await rm(path, { force: true });
    }
  }
  throw new AirlockError('LOCKED', `cannot take the lock ${path}; remove it if no airlock process is running`);
}

export async function withLock<T>(path: string, purpose: string, fn: () => Promise<T>): Promise<T> {
  const release = await acquireLock(path, purpose);
  try {
    return await fn();
  } finally {
    await release();
  }
}
