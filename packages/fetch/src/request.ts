import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { AirlockError } from '@airlock/core';
import type { Dispatcher } from 'undici';
import { parseRetryAfter } from './backoff.js';
import { dispatchGet } from './dispatch-get.js';
import type { ResolvedFetcherOptions } from './options.js';
import { isRetryableStatus, TransientError } from './transient.js';

export const MAX_REDIRECTS = 5;
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
/** Credentials meant for one origin must not follow a redirect to another (e.g. a registry to its CDN). */
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

export interface OpenResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Readable;
  /** The URL that finally answered, after redirects. */
  url: string;
}

export interface HttpClient {
  /** The HTTP agent (proxy-aware), made on first use. */
  dispatcher(): Promise<Dispatcher>;
  options: ResolvedFetcherOptions;
}

/**
 * GETs `url`, following up to MAX_REDIRECTS redirects. Returns 2xx and 416 responses with the body
 * unread; throws TransientError for retryable statuses and HTTP_STATUS for the rest.
 */
export async function openResponse(client: HttpClient, url: string, headers: Record<string, string>, o: { maxBuffered?: number } = {}): Promise<OpenResponse> {
  let current = parseHttpUrl(url);
  let sending: Record<string, string> = { 'user-agent': client.options.userAgent, ...lowerCaseKeys(headers) };
  for (let hop = 0; ; hop++) {
    const res = await dispatchGet(await client.dispatcher(), current, { headers: sending, timeoutMs: client.options.timeoutMs, ...o });
    const location = header(res.headers, 'location');
    if (REDIRECT_STATUS.has(res.statusCode) && location !== undefined) {
      discardBody(res.body);
      if (hop >= MAX_REDIRECTS) {
        throw new AirlockError('FETCH_FAILED', `${url} redirects more than ${MAX_REDIRECTS} times; check the URL`, { details: { url } });
      }
      const next = redirectTarget(location, current);
      if (next.origin !== current.origin) sending = withoutKeys(sending, ORIGIN_BOUND_HEADERS);
      current = next;
      continue;
    }
    if ((res.statusCode >= 200 && res.statusCode < 300) || res.statusCode === 416) {
      return { status: res.statusCode, headers: res.headers, body: res.body, url: current.toString() };
    }
    discardBody(res.body);
    throw statusError(res.statusCode, res.headers, current.toString());
  }
}

function statusError(status: number, headers: IncomingHttpHeaders, url: string): Error {
  if (isRetryableStatus(status)) {
    const retryAfterMs = parseRetryAfter(header(headers, 'retry-after'));
    return new TransientError(`HTTP ${status} from ${url}`, retryAfterMs === undefined ? {} : { retryAfterMs });
  }
  return new AirlockError('HTTP_STATUS', `HTTP ${status} from ${url}; check the URL and any credentials it needs`, { details: { url, status } });
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Content-Length as a number; undefined when absent or malformed (attacker-controlled header). */
export function contentLength(headers: IncomingHttpHeaders): number | undefined {
  const value = header(headers, 'content-length');
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  const n = Number(value.trim());
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Where a redirect's Location (upstream-controlled) points; a coded refusal when airlock cannot follow it. */
function redirectTarget(location: string, from: URL): URL {
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw new AirlockError('FETCH_FAILED', `${from.toString()} redirects to ${JSON.stringify(location)}, which is not a URL: the upstream server is misconfigured`, { details: { url: from.toString(), location } });
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new AirlockError('FETCH_FAILED', `${from.toString()} redirects to ${next.protocol} URL ${JSON.stringify(location)}; airlock follows only http and https redirects`, { details: { url: from.toString(), location } });
  }
  return next;
}

function parseHttpUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AirlockError('USAGE', `not a URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new AirlockError('USAGE', `only http and https URLs can be fetched, not ${JSON.stringify(url)}`);
  }
  return parsed;
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function withoutKeys(headers: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !keys.includes(k)));
}

/** Drops a response body without reading it. undici reports destroying an unread body as an error, so swallow that. */
export function discardBody(body: OpenResponse['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}
