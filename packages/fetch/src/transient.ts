import { AirlockError } from '@airlock/core';

/**
 * A failure worth another attempt: a network error, an idle timeout, or a 408/425/429/5xx answer.
 * It never leaves this package; exhausted retries become FETCH_FAILED carrying it as the cause.
 */
export class TransientError extends Error {
  /** The server's Retry-After, in milliseconds. */
  readonly retryAfterMs: number | undefined;
  /** Retry at once without spending an attempt (the local partial file was discarded). */
  readonly restartNow: boolean;
  /** The attempt got further into the file than any before it, so the retry budget starts afresh. */
  readonly progressed: boolean;

  constructor(message: string, o: { cause?: unknown; retryAfterMs?: number; restartNow?: boolean; progressed?: boolean } = {}) {
    super(message, o.cause === undefined ? undefined : { cause: o.cause });
    this.name = 'TransientError';
    this.retryAfterMs = o.retryAfterMs;
    this.restartNow = o.restartNow ?? false;
    this.progressed = o.progressed ?? false;
  }
}

const RETRYABLE_STATUS = new Set([408, 425, 429]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUS.has(status) || (status >= 500 && status <= 599);
}

const NETWORK_ERRNO = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'EHOSTDOWN',
  'ENETUNREACH', 'ENETDOWN', 'EAI_AGAIN', 'ENOTFOUND', 'EPROTO', 'ERR_STREAM_PREMATURE_CLOSE',
]);
const UNDICI_PERMANENT = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED', 'UND_ERR_INVALID_RETURN_VALUE']);

/** True for socket, DNS and timeout failures, which another attempt may not repeat. */
export function isNetworkError(err: unknown): boolean {
  if (err instanceof AirlockError || !(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  if (code.startsWith('UND_ERR_')) return !UNDICI_PERMANENT.has(code);
  return NETWORK_ERRNO.has(code);
}

/** Turns what an attempt threw into something the retry loop understands. */
export function classify(err: unknown, url: string): unknown {
  if (isNetworkError(err)) return new TransientError(`${(err as Error).message} (${url})`, { cause: err });
  return err;
}
