import { AirlockError } from '@airlock/core';
import type { Limiter } from './limiter.js';
import { DEFAULT_MAX_BUFFERED } from './dispatch-get.js';
import { contentLength, discardBody, openResponse, type HttpClient } from './request.js';
import { withRetries } from './retry.js';

export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/** GETs a small document into memory, refusing (and no longer reading) a body past `maxBytes`. */
export async function getBytes(
  client: HttpClient,
  limiter: Limiter,
  url: string,
  o: { maxBytes?: number; headers?: Record<string, string> } = {},
): Promise<Buffer> {
  const maxBytes = o.maxBytes ?? DEFAULT_MAX_BYTES;
  return withRetries(url, client.options, () =>
    limiter.run(async () => {
      // The whole document is held anyway, so it may be buffered up to its limit.
      const res = await openResponse(client, url, o.headers ?? {}, { maxBuffered: Math.max(maxBytes, DEFAULT_MAX_BUFFERED) });
      if (res.status !== 200) {
        discardBody(res.body);
        throw new AirlockError('HTTP_STATUS', `HTTP ${res.status} from ${url}, expected 200`, { details: { url, status: res.status } });
      }
      // The body and its declared length are upstream-controlled: check both, stop at the limit.
      const declared = contentLength(res.headers);
      if (declared !== undefined && declared > maxBytes) {
        discardBody(res.body);
        throw tooLarge(url, maxBytes, declared);
      }
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of res.body) {
        const buf = chunk as Buffer;
        total += buf.length;
        if (total > maxBytes) {
          discardBody(res.body);
          throw tooLarge(url, maxBytes);
        }
        chunks.push(buf);
      }
      return Buffer.concat(chunks, total);
    }),
  );
}

function tooLarge(url: string, maxBytes: number, declared?: number): AirlockError {
  const what = declared === undefined ? 'more than' : `${declared} bytes, more than`;
  return new AirlockError('SIZE_MISMATCH', `${url} is ${what} the ${maxBytes} bytes allowed for this document`, { details: { url, maxBytes, declared } });
}
