import type { Digest } from '@airlock/core';
import type { SqliteDatabase, Transaction } from './database.js';
import { refuse } from './state-error.js';
import type { Publication, PublicationSource, PublicationStatus } from './site-types.js';

interface PublicationRecord {
  id: number;
  snapshot: string;
  created_at: string;
  bundles: string;
  status: PublicationStatus;
  rolls_back_to: number | null;
  sources_recorded: number;
}

interface SourceRecord {
  channel: string;
  type: string;
  name: string;
  catalog: string;
  bundle_catalog: string;
  manifest_sha256: string;
  bundle_id: string;
  sequence: number;
}

function toPublication(r: PublicationRecord): Publication {
  return {
    id: r.id,
    snapshot: r.snapshot,
    createdAt: r.created_at,
    bundles: JSON.parse(r.bundles) as string[],
    status: r.status,
    sourcesRecorded: r.sources_recorded === 1,
  };
}

function toSource(r: SourceRecord): PublicationSource {
  return {
    channel: r.channel,
    type: r.type,
    name: r.name,
    catalog: r.catalog as Digest,
    bundleCatalog: r.bundle_catalog as Digest,
    manifestSha256: r.manifest_sha256,
    bundleId: r.bundle_id,
    sequence: r.sequence,
  };
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
  private readonly insertSource;
  private readonly sourcesOf;
  private readonly recordTransaction: Transaction<(snapshot: string, bundles: string[], createdAt: string, sources: PublicationSource[] | undefined) => number>;
  private readonly setCurrentTransaction: Transaction<(id: number) => void>;

  constructor(db: SqliteDatabase) {
    const columns = 'id, snapshot, created_at, bundles, status, rolls_back_to, sources_recorded';
    this.byId = db.prepare<[number], PublicationRecord>(`SELECT ${columns} FROM publications WHERE id = ?`);
    this.current = db.prepare<[], PublicationRecord>(`SELECT ${columns} FROM publications WHERE status = 'current'`);
    this.all = db.prepare<[], PublicationRecord>(`SELECT ${columns} FROM publications ORDER BY id DESC`);
    this.demoteCurrent = db.prepare("UPDATE publications SET status = 'previous' WHERE status = 'current'");
    this.insert = db.prepare("INSERT INTO publications (snapshot, created_at, bundles, status, rolls_back_to, sources_recorded) VALUES (?, ?, ?, 'current', ?, ?)");
    this.promote = db.prepare("UPDATE publications SET status = 'current' WHERE id = ?");
    this.setRetired = db.prepare("UPDATE publications SET status = 'retired' WHERE id = ?");
    this.insertSource = db.prepare(
      `INSERT INTO publication_sources (publication_id, channel, type, name, catalog, bundle_catalog, manifest_sha256, bundle_id, sequence)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.sourcesOf = db.prepare<[number], SourceRecord>(
      `SELECT channel, type, name, catalog, bundle_catalog, manifest_sha256, bundle_id, sequence
       FROM publication_sources WHERE publication_id = ? ORDER BY channel, type, name`,
    );
    this.recordTransaction = db.transaction((snapshot, bundles, createdAt, sources) => {
      const live = this.current.get();
      this.demoteCurrent.run();
      const id = Number(this.insert.run(snapshot, createdAt, JSON.stringify(bundles), live?.id ?? null, sources === undefined ? 0 : 1).lastInsertRowid);
      for (const s of sources ?? []) this.insertSource.run(id, s.channel, s.type, s.name, s.catalog, s.bundleCatalog, s.manifestSha256, s.bundleId, s.sequence);
      return id;
    });
    this.setCurrentTransaction = db.transaction((id) => {
      const target = this.requireRecord(id);
      if (target.status === 'current') return;
      if (target.status === 'retired') throw refuse(`publication ${id} (${target.snapshot}) was retired and its snapshot removed`, { id });
      this.demoteCurrent.run();
      this.promote.run(id);
    });
  }

  /** The new publication (with its sources) becomes current and the live one becomes previous; returns the new id. */
  record(snapshot: string, bundles: string[], createdAt: string, sources?: PublicationSource[]): number {
    return this.recordTransaction.immediate(snapshot, bundles, createdAt, sources);
  }

  /** The sources of a publication with their effective catalogs, by channel, type and name. */
  sources(id: number): PublicationSource[] {
    this.requireRecord(id);
    return this.sourcesOf.all(id).map(toSource);
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
    return this.rollbackChain(1)[1] ?? null;
  }

  /**
   * The current publication followed by the next `steps` publications successive rollbacks
   * would make live (retired ones are skipped, as rollback skips them). Pruning keeps these.
   */
  rollbackChain(steps: number): Publication[] {
    const live = this.current.get();
    if (live === undefined) return [];
    const chain = [toPublication(live)];
    const seen = new Set([live.id]);
    let next = live.rolls_back_to;
    while (next !== null && chain.length <= steps && !seen.has(next)) {
      seen.add(next);
      const row = this.requireRecord(next);
      if (row.status === 'previous') chain.push(toPublication(row));
      next = row.rolls_back_to;
    }
    return chain;
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
