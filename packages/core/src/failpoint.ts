import { appendFileSync } from 'node:fs';

/**
 * Crash-consistency tests kill airlock with a real SIGKILL at named points. AIRLOCK_FAILPOINT=name
 * kills at the first hit of `name`, `name:N` at its Nth hit (points inside loops are hit once per
 * item). AIRLOCK_FAILPOINT_TRACE=FILE appends the name of every point passed to FILE, so a test
 * can see which points a run reaches and how often. Tests that must change the world at an exact
 * point (swap a file on the media) stop the process there instead (AIRLOCK_PAUSEPOINT=name) and
 * continue it with SIGCONT. Unset in normal use, where this is a no-op.
 */
export const FAILPOINT_ENV = 'AIRLOCK_FAILPOINT';
export const FAILPOINT_TRACE_ENV = 'AIRLOCK_FAILPOINT_TRACE';
export const PAUSEPOINT_ENV = 'AIRLOCK_PAUSEPOINT';

const hits = new Map<string, number>();

export function failpoint(name: string): void {
  const trace = process.env[FAILPOINT_TRACE_ENV];
  if (trace) appendFileSync(trace, `${name}\n`);
  if (process.env[PAUSEPOINT_ENV] === name) process.kill(process.pid, 'SIGSTOP');
  const spec = process.env[FAILPOINT_ENV];
  if (!spec) return;
  const target = parseFailpoint(spec);
  if (target.name !== name) return;
  const count = (hits.get(name) ?? 0) + 1;
  hits.set(name, count);
  if (count === target.hit) process.kill(process.pid, 'SIGKILL');
}

/** `name` or `name:N`; names contain colons themselves, so only a numeric last field is a hit count. */
export function parseFailpoint(spec: string): { name: string; hit: number } {
  const match = /^(.*):(\d+)$/.exec(spec);
  const hit = match ? Number(match[2]) : 1;
  return match && hit > 0 ? { name: match[1] as string, hit } : { name: spec, hit: 1 };
}
