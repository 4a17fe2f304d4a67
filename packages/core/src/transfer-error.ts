import { AirlockError, ERROR_CODES, asAirlockError, type ErrorCode } from './errors.js';

/** An AirlockError as it crosses a thread boundary (structured clone drops the class and the cause). */
export interface TransferredError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** What a worker thread posts for a failure; anything uncoded becomes `fallback` with `message`. */
export function errorForTransfer(err: unknown, fallback: ErrorCode, message: string): TransferredError {
  const typed = asAirlockError(err, fallback, message);
  return { code: typed.code, message: typed.message, ...(typed.details ? { details: cloneable(typed.details) } : {}) };
}

/** The AirlockError again, on the receiving side. */
export function errorFromTransfer(t: TransferredError): AirlockError {
  const code = (ERROR_CODES as readonly string[]).includes(t.code) ? t.code : 'INTERNAL';
  return new AirlockError(code, t.message, t.details ? { details: t.details } : {});
}

/** Details are plain data by convention; anything that is not survives as its string form. */
function cloneable(details: Record<string, unknown>): Record<string, unknown> {
  try {
    return structuredClone(details);
  } catch {
    return JSON.parse(JSON.stringify(details, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))) as Record<string, unknown>;
  }
}
