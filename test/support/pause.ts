import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { AIRLOCK_BIN, type CliResult } from './cli.js';

/** Linux process state from /proc/<pid>/stat ('T' = stopped), or null once it is gone. */
async function processState(pid: number): Promise<string | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? null;
  } catch {
    return null;
  }
}

/**
 * Runs the CLI until it reaches failpoint `point` (AIRLOCK_PAUSEPOINT: the process stops itself
 * there), runs `whilePaused`, then lets the process continue and returns how it ended. Fails if
 * the process ends without ever reaching the point.
 */
export async function airlockPausedAt(args: string[], point: string, whilePaused: () => Promise<void>): Promise<CliResult & { paused: boolean }> {
  const child = spawn(process.execPath, [AIRLOCK_BIN, ...args], {
    env: { ...process.env, AIRLOCK_FAILPOINT: '', AIRLOCK_PAUSEPOINT: point },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  let paused = false;
  const deadline = Date.now() + 60_000;
  while (!paused && child.exitCode === null && child.signalCode === null && Date.now() < deadline) {
    const state = await processState(child.pid!);
    if (state === null) break;
    if (state === 'T') paused = true;
    else await sleep(20);
  }
  if (paused) {
    try {
      await whilePaused();
    } finally {
      child.kill('SIGCONT');
    }
  } else if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
  }
  return { ...(await ended), stdout, stderr, paused };
}
