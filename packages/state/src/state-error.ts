import { dirname } from 'node:path';
import { AirlockError, spaceReportSync } from '@airlock/core';

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

/**
 * SQLite reports a failure to create or grow its -wal/-shm files as a generic I/O or cannot-open
 * error, without the errno. When the database's filesystem is (nearly) out of space or inodes at
 * that moment, the cause is taken to be that; the report names what is left.
 */
function lowSpaceNear(err: unknown, dbPath: string | undefined): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (dbPath === undefined || typeof code !== 'string' || !(code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN'))) return null;
  const space = spaceReportSync(dirname(dbPath));
  return space?.low ? space.text : null;
}

/** Turns anything thrown by SQLite (or the file system around it) into a coded AirlockError. */
export function stateError(err: unknown, what: string, dbPath?: string): AirlockError {
  if (err instanceof AirlockError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  const low = lowSpaceNear(err, dbPath);
  if (low !== null) {
    return new AirlockError('DISK_FULL', `${what}: ${reason}; the disk is full (${low}); free space there and run the command again`, {
      cause: err,
      details: { local: true, path: dbPath },
    });
  }
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

/** Runs `fn`, rethrowing every failure as STATE_ERROR (LOCKED when the database stayed busy, DISK_FULL when its disk is full). */
export function guard<T>(what: string, fn: () => T, dbPath?: string): T {
  try {
    return fn();
  } catch (err) {
    throw stateError(err, what, dbPath);
  }
}

/** A refusal by the state layer itself (not a SQLite failure). */
export function refuse(message: string, details?: Record<string, unknown>): AirlockError {
  return new AirlockError('STATE_ERROR', message, details === undefined ? {} : { details });
}
