import type { Fetcher } from '@airlock/core';
import type { Dispatcher } from 'undici';
import { download } from './download.js';
import { getBytes } from './get-bytes.js';
import { Limiter } from './limiter.js';
import { resolveFetcherOptions, type FetcherOptions } from './options.js';
import { undici } from './undici.js';

export interface ClosableFetcher extends Fetcher {
  /** Closes idle keep-alive connections; the fetcher must not be used afterwards. */
  close(): Promise<void>;
}

/**
 * The upstream HTTP client: HTTP_PROXY, HTTPS_PROXY and NO_PROXY are honoured, requests share one
 * concurrency limit, transient failures are retried with backoff, and downloads resume.
 */
export function createFetcher(o: FetcherOptions = {}): ClosableFetcher {
  const options = resolveFetcherOptions(o);
  let dispatcher: Promise<Dispatcher> | undefined;
  const client = { dispatcher: () => (dispatcher ??= undici().then((u) => new u.EnvHttpProxyAgent())), options };
  const limiter = new Limiter(options.concurrency);
  return {
    getBytes: (url, opts) => getBytes(client, limiter, url, opts),
    download: (urls, dest, opts) => download(client, limiter, urls, dest, opts),
    close: async () => {
      if (dispatcher) await (await dispatcher).close();
    },
  };
}
