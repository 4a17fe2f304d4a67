/**
 * Crash-consistency tests kill airlock at named points with a real SIGKILL (AIRLOCK_FAILPOINT=name),
 * then re-run it and check that nothing published was lost. Unset in normal use, where this is a no-op.
 */
export function failpoint(name: string): void {
  if (process.env.AIRLOCK_FAILPOINT === name) process.kill(process.pid, 'SIGKILL');
}
