import type { SqliteDatabase, Transaction } from './database.js';
import { refuse } from './state-error.js';
import type { Publication, PublicationStatus } from './site-types.js';

interface PublicationRecord {
  id: number;
  snapshot: string;
  created_at: string;
  bundles: string;
  status: PublicationStatus;
  rolls_back_to: number | null;
}

function toPublication(r: PublicationRecord): Publication {
  return { id: r.id, snapshot: r.snapshot, createdAt: r.created_at, bundles: JSON.parse(r.bundles) as string[], status: r.status };
}

/**
 * Published snapshots. Exactly one is 'current'. Each publication remembers the one that was live
 * when it was published; a rollback follows that chain (skipping retired snapshots). So rolling
 * back twice goes two steps back, and after "publish 3, roll back to 2, publish 4", a rollback
 * from 4 returns to 2 (what was live before 4), never to the abandoned 3.
 */
export class PublicationLog {
  private readonly byId;
  private readonly current;
  private readonly all;
  private readonly demoteCurrent;
  private readonly insert;
  private readonly promote;
  private readonly setRetired;
  private readonly recordTransaction: Transaction<(snapshot: string, bundles: string[], createdAt: string) => number>;
  private readonly setCurrentTransaction: Transaction<(id: number) => void>;

  constructor(db: SqliteDatabase) {
    const columns = 'id, snapshot, created_at, bundles, status, rolls_back_to';
    this.byId = db.prepare<[number], PublicationRecord>(`SELECT ${columns} FROM publications WHERE id = ?`);
    this.current = db.prepare<[], PublicationRecord>(`SELECT ${columns} FROM publications WHERE status = 'current'`);
    this.all = db.prepare<[], PublicationRecord>(`SELECT ${columns} FROM publications ORDER BY id DESC`);
    this.demoteCurrent = db.prepare("UPDATE publications SET status = 'previous' WHERE status = 'current'");
    this.insert = db.prepare("INSERT INTO publications (snapshot, created_at, bundles, status, rolls_back_to) VALUES (?, ?, ?, 'current', ?)");
    this.promote = db.prepare("UPDATE publications SET status = 'current' WHERE id = ?");
    this.setRetired = db.prepare("UPDATE publications SET status = 'retired' WHERE id = ?");
    this.recordTransaction = db.transaction((snapshot, bundles, createdAt) => {
      const live = this.current.get();
      this.demoteCurrent.run();
      return Number(this.insert.run(snapshot, createdAt, JSON.stringify(bundles), live?.id ?? null).lastInsertRowid);
    });
    this.setCurrentTransaction = db.transaction((id) => {
      const target = this.requireRecord(id);
      if (target.status === 'current') return;
      if (target.status === 'retired') throw refuse(`publication ${id} (${target.snapshot}) was retired and its snapshot removed`, { id });
      this.demoteCurrent.run();
      this.promote.run(id);
    });
  }

  /** The new publication becomes current and the live one becomes previous; returns the new id. */
  record(snapshot: string, bundles: string[], createdAt: string): number {
    return this.recordTransaction.immediate(snapshot, bundles, createdAt);
  }

  currentPublication(): Publication | null {
    const row = this.current.get();
    return row === undefined ? null : toPublication(row);
  }

  /** Newest first. */
  list(): Publication[] {
    return this.all.all().map(toPublication);
  }

  /** Where `airlock rollback` goes from the current publication, or null when nowhere. */
  rollbackTarget(): Publication | null {
    const live = this.current.get();
    let next = live?.rolls_back_to ?? null;
    while (next !== null) {
      const row = this.requireRecord(next);
      if (row.status === 'previous') return toPublication(row);
      next = row.rolls_back_to;
    }
    return null;
  }

  setCurrent(id: number): void {
    this.setCurrentTransaction.immediate(id);
  }

  /** Its snapshot directory was pruned; the current publication cannot be retired. */
  retire(id: number): void {
    const row = this.requireRecord(id);
    if (row.status === 'current') throw refuse(`publication ${id} (${row.snapshot}) is current and cannot be retired`, { id });
    this.setRetired.run(id);
  }

  private requireRecord(id: number): PublicationRecord {
    const row = this.byId.get(id);
    if (row === undefined) throw refuse(`no publication ${id} is recorded on this site`, { id });
    return row;
  }
}
