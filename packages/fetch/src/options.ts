/** How a fetcher behaves; every field has a default suited to mirroring large upstreams. */
export interface FetcherOptions {
  /** Retries after the first attempt, per URL (default 4). */
  retries?: number;
  /** First backoff delay; doubles each retry, with jitter (default 500 ms). */
  backoffMs?: number;
  /** Upper bound for one backoff delay, Retry-After included (default 10 s). */
  maxBackoffMs?: number;
  /** Idle timeout: the longest wait for headers or for the next body bytes (default 60 s). */
  timeoutMs?: number;
  userAgent?: string;
  /** Requests in flight at once across the whole fetcher (default 4). */
  concurrency?: number;
}

export type ResolvedFetcherOptions = Required<FetcherOptions>;

export function resolveFetcherOptions(o: FetcherOptions = {}): ResolvedFetcherOptions {
  return {
    retries: wholeNumber(o.retries, 4),
    backoffMs: wholeNumber(o.backoffMs, 500),
    maxBackoffMs: wholeNumber(o.maxBackoffMs, 10_000),
    timeoutMs: Math.max(1, wholeNumber(o.timeoutMs, 60_000)),
    userAgent: o.userAgent ?? 'airlock',
    concurrency: Math.max(1, wholeNumber(o.concurrency, 4)),
  };
}

function wholeNumber(value: number | undefined, fallback: number): number {
  return value === undefined || !Number.isFinite(value) || value < 0 ? fallback : Math.floor(value);
}
