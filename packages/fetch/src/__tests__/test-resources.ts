import { onTestFinished } from 'vitest';
import { createFetcher, type ClosableFetcher } from '../fetcher.js';
import type { FetcherOptions } from '../options.js';
import { startFixtureServer, type FixtureHandler, type FixtureServer } from './http-fixture.js';

/** Retries with millisecond backoff, so retry tests stay fast. */
export const quick: FetcherOptions = { retries: 3, backoffMs: 5, maxBackoffMs: 20 };

/** A fixture server on 127.0.0.1, closed when the current test finishes. */
export async function server(handler: FixtureHandler): Promise<FixtureServer> {
  const s = await startFixtureServer(handler);
  onTestFinished(() => s.close());
  return s;
}

/** A fetcher whose idle connections are closed when the current test finishes. */
export function fetcher(o: FetcherOptions = quick): ClosableFetcher {
  const f = createFetcher(o);
  onTestFinished(() => f.close());
  return f;
}
