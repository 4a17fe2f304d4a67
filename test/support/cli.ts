import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const AIRLOCK_BIN = fileURLToPath(new URL('../../bin/airlock', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (bin/airlock, or another entry `script`) as a real process. */
export function airlock(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; script?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.script ?? AIRLOCK_BIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, AIRLOCK_FAILPOINT: '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs the CLI with --json and parses stdout. */
export async function airlockJson<T = Record<string, unknown>>(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<{ result: CliResult; json: T }> {
  const result = await airlock(['--json', ...args], options);
  let json: T;
  try {
    json = JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`airlock ${args.join(' ')} did not print JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  return { result, json };
}
