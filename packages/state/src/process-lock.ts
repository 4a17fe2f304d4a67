import Database from 'better-sqlite3';
import { guard, stateError } from './state-error.js';

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * An exclusive lock that the kernel releases when its holder dies, however it dies: an SQLite
 * database kept inside an EXCLUSIVE transaction, which is an fcntl lock on the file. There is no
 * stale lock to take over, so there is no takeover race. The holding process must never open the
 * lock file by other means: closing any descriptor of a file drops the process's POSIX locks on it.
 */
export class ProcessLock {
  private constructor(private readonly db: Database.Database) {}

  /** The lock, or null when another holder (another process or another connection here) has it. */
  static tryAcquire(path: string): ProcessLock | null {
    const db = guard(`cannot open the lock file ${path}`, () => new Database(path, { timeout: 0 }), path);
    try {
      db.exec('BEGIN EXCLUSIVE');
      if (db.pragma('user_version', { simple: true }) === 0) {
        // An empty database file would write its first page (and a journal) on every BEGIN, so
        // locking would need free space; once initialised, taking the lock writes nothing.
        db.pragma('user_version = 1');
        db.exec('COMMIT');
        db.exec('BEGIN EXCLUSIVE');
      }
      return new ProcessLock(db);
    } catch (err) {
      db.close();
      if (isBusy(err)) return null;
      throw stateError(err, `cannot take the lock ${path}`, path);
    }
  }

  release(): void {
    if (!this.db.open) return;
    try {
      this.db.exec('ROLLBACK');
    } finally {
      this.db.close();
    }
  }
}
