import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { guard, refuse } from './state-error.js';

export type SqliteDatabase = Database.Database;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Transaction<F extends (...args: any[]) => unknown> = Database.Transaction<F>;

export interface StateOpenOptions {
  /** How long a write waits for another process's lock before failing with LOCKED. Default 5000 ms. */
  busyTimeoutMs?: number;
}

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating if needed) a SQLite database in WAL mode with foreign keys on, and brings its
 * schema up to date. `migrations[i]` turns schema version i into version i + 1; versions are kept
 * in `PRAGMA user_version`, so the array is append-only: never edit a released migration.
 */
export function openDatabase(path: string, migrations: readonly string[], options: StateOpenOptions = {}): SqliteDatabase {
  return guard(`cannot open state database ${path}`, () => {
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    try {
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS))}`);
      db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      migrate(db, migrations);
      return db;
    } catch (err) {
      db.close();
      throw err;
    }
  }, path);
}

export function schemaVersion(db: SqliteDatabase): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies the missing migrations, one transaction each. The version is re-read inside each
 * IMMEDIATE transaction, so two processes opening a fresh database at once cannot both apply a step.
 */
export function migrate(db: SqliteDatabase, migrations: readonly string[]): void {
  const step = db.transaction((): boolean => {
    const version = checkedVersion(db, migrations);
    const sql = migrations[version];
    if (sql === undefined) return false;
    db.exec(sql);
    db.pragma(`user_version = ${version + 1}`);
    return true;
  });
  // An up-to-date database is opened without taking the write lock.
  if (checkedVersion(db, migrations) === migrations.length) return;
  while (step.immediate()) {
    // one migration per iteration
  }
}

function checkedVersion(db: SqliteDatabase, migrations: readonly string[]): number {
  const version = schemaVersion(db);
  if (version > migrations.length) {
    throw refuse(
      `the state database ${db.name} was written by a newer airlock (schema ${version}, this version knows ${migrations.length}); upgrade airlock`,
      { path: db.name, schemaVersion: version, knownVersion: migrations.length },
    );
  }
  return version;
}
