import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { TransientError } from './transient.js';

/** Bytes a response may hold while its consumer catches up, unless the caller allows more. */
export const DEFAULT_MAX_BUFFERED = 16 << 20;

export interface RawResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Readable;
}

export interface GetOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  maxBuffered?: number;
}

/**
 * A GET whose handler never pauses undici's HTTP parser. undici 7 crashes the whole process with
 * an uncatchable AssertionError when a response that ends its connection (Connection: close,
 * HTTP/1.0, no length) is paused for backpressure as the socket ends (nodejs/undici#5360, fixed
 * only in undici 8, which needs Node 22). So backpressure lives in our own stream instead, and a
 * consumer more than `maxBuffered` bytes behind drops the response as a transient failure; a
 * download then resumes it with Range.
 */
export function dispatchGet(dispatcher: Dispatcher, url: URL, o: GetOptions): Promise<RawResponse> {
  const maxBuffered = o.maxBuffered ?? DEFAULT_MAX_BUFFERED;
  return new Promise((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let body: Readable | undefined;
    let finished = false;
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
      },
      onResponseStart(_c, statusCode, headers) {
        // 1xx (100 Continue, 103 Early Hints) come before the real answer: skip them.
        if (statusCode < 200) return;
        body = new Readable({
          read() {},
          destroy(err, done) {
            // The consumer dropped the body: stop the transfer too.
            if (!finished) controller?.abort(err ?? new Error('response body discarded'));
            done(err);
          },
        });
        // The connection may fail before the caller attaches its consumer; the stream keeps the
        // error (pipeline and iteration still see it), it must not become an unhandled 'error'.
        body.on('error', () => undefined);
        resolve({ statusCode, headers, body });
      },
      onResponseData(_c, chunk) {
        if (!body || body.destroyed) return;
        body.push(chunk);
        if (body.readableLength > maxBuffered) {
          body.destroy(new TransientError(`${url.toString()}: the local side fell more than ${maxBuffered} bytes behind the network; the transfer restarts where it stopped`));
        }
      },
      onResponseEnd() {
        finished = true;
        body?.push(null);
      },
      onResponseError(_c, err) {
        finished = true;
        if (body) failAfterDrain(body, err, o.timeoutMs);
        else reject(err);
      },
    };
    dispatcher.dispatch({ origin: url.origin, path: `${url.pathname}${url.search}`, method: 'GET', headers: o.headers, headersTimeout: o.timeoutMs, bodyTimeout: o.timeoutMs }, handler);
  });
}

/**
 * Fails the body once the consumer has taken what already arrived, so the bytes received before a
 * connection broke reach the partial file and the next attempt resumes after them. The consumer
 * may first spend a while on other work (an fsync under load), so it gets a generous minute; the
 * polling never keeps the process alive, and a consumer that destroys the body ends it at once.
 */
function failAfterDrain(body: Readable, err: Error, timeoutMs: number): void {
  const giveUpAt = Date.now() + Math.max(60_000, timeoutMs);
  const check = (): void => {
    if (body.destroyed) return;
    if (body.readableLength === 0 || Date.now() >= giveUpAt) body.destroy(err);
    else setTimeout(check, 5).unref();
  };
  check();
}
