// Small process helpers for the demo's upstream builder: run a tool, serve a directory with
// fixtures/serve-dir.mjs on 127.0.0.1, and remember how to stop what was started.
import { spawn, spawnSync } from 'node:child_process';

/** The repository root (the compiled helpers live under the demo directory, not in the repo). */
export const REPO = process.env.AIRLOCK_REPO ?? process.cwd();
const SERVE_DIR = `${REPO}/fixtures/serve-dir.mjs`;

export interface Running {
  stops: Array<() => Promise<void>>;
}

export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Runs `command` without blocking the event loop; resolves with stdout, rejects with stderr. */
export function exec(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${command} ${args.join(' ')} failed (${code}): ${stderr.trim()}`))));
  });
}

/** Serves `dir` on 127.0.0.1 (a free port) until the demo stops; resolves with its base URL. */
export function serveDir(dir: string, running: Running): Promise<string> {
  const child = spawn(process.execPath, [SERVE_DIR, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  running.stops.push(async () => void child.kill('SIGTERM'));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`serve-dir.mjs ${dir} exited (${code})`)));
  });
}
