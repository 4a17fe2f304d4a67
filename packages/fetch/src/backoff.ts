import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

/**
 * Exponential backoff with jitter: the delay for retry `attempt` (0-based) lies between half and
 * all of `base * 2^attempt`, never above `cap`. A server's Retry-After raises it, up to the cap.
 */
export function backoffDelay(attempt: number, base: number, cap: number, retryAfterMs?: number): number {
  const exponential = Math.min(cap, base * 2 ** attempt);
  const jittered = exponential / 2 + Math.random() * (exponential / 2);
  const wanted = retryAfterMs === undefined ? jittered : Math.max(jittered, retryAfterMs);
  return Math.round(Math.min(cap, wanted));
}

/** Reads Retry-After (attacker-controlled) as delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const when = Date.parse(trimmed);
  return Number.isNaN(when) ? undefined : Math.max(0, when - now);
}
