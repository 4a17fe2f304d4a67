import type { SqliteDatabase } from './database.js';
import type { StateEvent } from './site-types.js';

interface EventRecord {
  id: number;
  at: string;
  kind: string;
  detail: string;
}

/** Append-only audit log of what happened on this site (imports, publications, trust changes). */
export class EventLog {
  private readonly insert;
  private readonly recent;

  constructor(db: SqliteDatabase) {
    this.insert = db.prepare('INSERT INTO events (at, kind, detail) VALUES (?, ?, ?)');
    this.recent = db.prepare<[number], EventRecord>('SELECT id, at, kind, detail FROM events ORDER BY id DESC LIMIT ?');
  }

  append(kind: string, detail: unknown, now: Date): number {
    return Number(this.insert.run(now.toISOString(), kind, JSON.stringify(detail ?? null)).lastInsertRowid);
  }

  /** The newest `limit` events, newest first. */
  latest(limit: number): StateEvent[] {
    return this.recent.all(limit).map((r) => ({ id: r.id, at: r.at, kind: r.kind, detail: JSON.parse(r.detail) as unknown }));
  }
}
