import { spawnSync } from 'node:child_process';

/** True when `command` is on PATH. */
export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Decides whether a real-client test can run. Locally a missing tool skips the test with a visible
 * reason; under CI=true it is a failure, because CI installs every tool the tests need.
 * Usage: `describe.skipIf(!requireTools('gpg', 'sha256sum'))('…', …)`.
 */
export function requireTools(...commands: string[]): boolean {
  const missing = commands.filter((c) => !hasCommand(c));
  if (missing.length === 0) return true;
  const message = `missing real client(s): ${missing.join(', ')} (run scripts/install-test-deps.sh)`;
  if (process.env.CI === 'true') throw new Error(`${message}; CI must have them`);
  console.warn(`skipping: ${message}`);
  return false;
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a real tool synchronously and returns its output; never throws on a non-zero exit. */
export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string | Buffer } = {}): RunResult {
  const result = spawnSync(command, args, { cwd: options.cwd, env: options.env ?? process.env, input: options.input, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}
