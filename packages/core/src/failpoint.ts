/**
 * Crash-consistency tests kill airlock with a real SIGKILL at named points. AIRLOCK_FAILPOINT=name
 * kills at the first hit of `name`, `name:N` at its Nth hit (points inside loops are hit once per
 * item). Unset in normal use, where a failpoint is a no-op.
 */
export const FAILPOINT_ENV = 'AIRLOCK_FAILPOINT';

const hits = new Map<string, number>();

export function failpoint(name: string): void {
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
