import type { Fetcher } from '@airlock/core';
import type { Dispatcher } from 'undici';
import { download } from './download.js';
import { getBytes } from './get-bytes.js';
import { Limiter } from './limiter.js';
import { resolveFetcherOptions, type FetcherOptions } from './options.js';

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
  const agent = lazyProxyAgent();
  const client = { dispatcher: agent.get, options };
  const limiter = new Limiter(options.concurrency);
  return {
    getBytes: (url, opts) => getBytes(client, limiter, url, opts),
    download: (urls, dest, opts) => download(client, limiter, urls, dest, opts),
    close: agent.close,
  };
}

/** undici is a large module: it is loaded on the first request, not when the command starts. */
function lazyProxyAgent(): { get(): Promise<Dispatcher>; close(): Promise<void> } {
  let agent: Promise<Dispatcher> | undefined;
  return {
    get: () => (agent ??= import('undici').then(({ EnvHttpProxyAgent }) => new EnvHttpProxyAgent())),
    close: async () => {
      if (agent) await (await agent).close();
    },
  };
}
