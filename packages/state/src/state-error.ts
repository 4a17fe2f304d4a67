import { AirlockError } from '@airlock/core';

/** SQLite result codes that mean another connection holds the lock past our busy timeout. */
function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** SQLITE_FULL: the database or its journal could not grow (a full disk or quota). */
function isFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT';
}

/** Turns anything thrown by SQLite (or the file system around it) into a coded AirlockError. */
export function stateError(err: unknown, what: string): AirlockError {
  if (err instanceof AirlockError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  if (isFull(err)) {
    return new AirlockError('DISK_FULL', `${what}: the disk holding the state database is full (${reason}); free space there and run the command again`, {
      cause: err,
      details: { local: true },
    });
  }
  if (isBusy(err)) {
    return new AirlockError('LOCKED', `${what}: the state database is busy (another airlock process is using it); wait for it to finish and retry`, {
      cause: err,
    });
  }
  return new AirlockError('STATE_ERROR', `${what}: ${reason}`, { cause: err });
}

/** Runs `fn`, rethrowing every failure as STATE_ERROR (or LOCKED when the database stayed busy). */
export function guard<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw stateError(err, what);
  }
}

/** A refusal by the state layer itself (not a SQLite failure). */
export function refuse(message: string, details?: Record<string, unknown>): AirlockError {
  return new AirlockError('STATE_ERROR', message, details === undefined ? {} : { details });
}
