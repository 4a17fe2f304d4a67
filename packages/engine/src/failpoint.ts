/**
 * Crash-consistency tests kill airlock at named points with a real SIGKILL (AIRLOCK_FAILPOINT=name),
 * then re-run it and check that nothing published was lost. Tests that must change the world at
 * an exact point (swap a file on the media) stop the process there instead (AIRLOCK_PAUSEPOINT=name)
 * and continue it with SIGCONT. Unset in normal use, where this is a no-op.
 */
export function failpoint(name: string): void {
  if (process.env.AIRLOCK_FAILPOINT === name) process.kill(process.pid, 'SIGKILL');
  if (process.env.AIRLOCK_PAUSEPOINT === name) process.kill(process.pid, 'SIGSTOP');
}
