import { AirlockError } from '@airlock/core';
import { backoffDelay, sleep } from './backoff.js';
import type { ResolvedFetcherOptions } from './options.js';
import { classify, TransientError } from './transient.js';

/**
 * Runs `attempt` until it succeeds, fails permanently, or the retries are spent. Transient failures
 * wait with backoff; when none remain the result is FETCH_FAILED with the last failure as cause.
 */
export async function withRetries<T>(url: string, o: ResolvedFetcherOptions, attempt: () => Promise<T>): Promise<T> {
  let failures = 0;
  let restarts = 0;
  let attempts = 0;
  for (;;) {
    attempts++;
    try {
      return await attempt();
    } catch (raw) {
      const err = classify(raw, url);
      if (!(err instanceof TransientError)) throw err;
      // A restart follows a discarded partial file, so it cannot repeat; the bound guards against a loop anyway.
      if (err.restartNow && restarts++ < 2) continue;
      // A flaky link that drops every connection still finishes, as long as each attempt gets further.
      if (err.progressed) failures = 0;
      if (failures >= o.retries) {
        throw new AirlockError('FETCH_FAILED', `cannot fetch ${url} after ${attempts} attempt(s): ${err.message}. Check the network or proxy settings (HTTP_PROXY, HTTPS_PROXY, NO_PROXY) and run again; partial downloads resume`, {
          cause: err.cause ?? err,
          details: { url, attempts },
        });
      }
      await sleep(backoffDelay(failures, o.backoffMs, o.maxBackoffMs, err.retryAfterMs));
      failures++;
    }
  }
}
