import { spawn, type ChildProcess } from 'node:child_process';

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Spawned {
  child: ChildProcess;
  /** Resolves when stdout has printed `text`. */
  printed(text: string): Promise<void>;
  /** What stdout has printed so far. */
  stdout(): string;
  finished: Promise<Finished>;
}

/** A node child process whose output is collected; for tests that must signal or time it. */
export function spawnNode(args: string[], env: NodeJS.ProcessEnv = {}): Spawned {
  const child = spawn(process.execPath, args, { env: { ...process.env, AIRLOCK_FAILPOINT: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
    for (const w of waiters.filter((w) => stdout.includes(w.text))) w.resolve();
  });
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const finished = new Promise<Finished>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    child,
    finished,
    stdout: () => stdout,
    printed: (text) =>
      new Promise<void>((resolve, reject) => {
        if (stdout.includes(text)) return resolve();
        waiters.push({ text, resolve });
        void finished.then((f) => reject(new Error(`exited (${f.code ?? f.signal}) before printing ${text}:\n${f.stdout}\n${f.stderr}`)));
      }),
  };
}
