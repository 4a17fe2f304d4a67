import type { SqliteDatabase } from './database.js';
import type { TrustAnchorRow, UpstreamKeyRow, UpstreamKeyStatus } from './site-types.js';

interface KeyRecord {
  source: string;
  fingerprint: string;
  user_ids: string;
  armored: string;
  purpose: string;
  status: UpstreamKeyStatus;
  first_seen: string;
  decided_at: string | null;
}

interface AnchorRecord {
  kind: string;
  id: string;
  description: string;
  data: string;
  added_at: string;
}

function keyRow(r: KeyRecord): UpstreamKeyRow {
  return {
    source: r.source,
    fingerprint: r.fingerprint,
    userIds: JSON.parse(r.user_ids) as string[],
    armored: r.armored,
    purpose: r.purpose,
    status: r.status,
    firstSeen: r.first_seen,
    decidedAt: r.decided_at,
  };
}

/** Upstream keys pinned per source, the newest accepted upstream dates, and driver trust anchors. */
export class UpstreamTrustStore {
  private readonly insertKey;
  private readonly updateArmored;
  private readonly promote;
  private readonly promoteOne;
  private readonly deleteKey;
  private readonly keysOf;
  private readonly allKeys;
  private readonly readMark;
  private readonly writeMark;
  private readonly insertAnchor;
  private readonly deleteAnchor;
  private readonly anchorsOf;
  private readonly allAnchors;

  constructor(db: SqliteDatabase) {
    this.insertKey = db.prepare(
      `INSERT INTO upstream_keys (source, fingerprint, user_ids, armored, purpose, status, first_seen, decided_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, fingerprint) DO NOTHING`,
    );
    this.updateArmored = db.prepare('UPDATE upstream_keys SET armored = ?, user_ids = ? WHERE source = ? AND fingerprint = ?');
    this.promote = db.prepare("UPDATE upstream_keys SET status = 'pinned', decided_at = ? WHERE source = ? AND status = 'pending'");
    this.promoteOne = db.prepare("UPDATE upstream_keys SET status = 'pinned', decided_at = ? WHERE source = ? AND fingerprint = ? AND status = 'pending'");
    this.deleteKey = db.prepare('DELETE FROM upstream_keys WHERE source = ? AND (? IS NULL OR fingerprint = ?)');
    this.keysOf = db.prepare<[string], KeyRecord>('SELECT * FROM upstream_keys WHERE source = ? ORDER BY first_seen, fingerprint');
    this.allKeys = db.prepare<[], KeyRecord>('SELECT * FROM upstream_keys ORDER BY source, first_seen, fingerprint');
    this.readMark = db.prepare<[string], { date: string }>('SELECT date FROM upstream_marks WHERE key = ?');
    this.writeMark = db.prepare(
      `INSERT INTO upstream_marks (key, date, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET date = excluded.date, updated_at = excluded.updated_at WHERE excluded.date > upstream_marks.date`,
    );
    this.insertAnchor = db.prepare(
      'INSERT INTO trust_anchors (kind, id, description, data, added_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, id) DO NOTHING',
    );
    this.deleteAnchor = db.prepare('DELETE FROM trust_anchors WHERE id = ?');
    this.anchorsOf = db.prepare<[string], AnchorRecord>('SELECT * FROM trust_anchors WHERE kind = ? ORDER BY added_at, id');
    this.allAnchors = db.prepare<[], AnchorRecord>('SELECT * FROM trust_anchors ORDER BY kind, added_at, id');
  }

  addKey(key: Omit<UpstreamKeyRow, 'firstSeen' | 'decidedAt'>, now: Date): boolean {
    const at = now.toISOString();
    const decided = key.status === 'pinned' ? at : null;
    return this.insertKey.run(key.source, key.fingerprint, JSON.stringify(key.userIds), key.armored, key.purpose, key.status, at, decided).changes === 1;
  }

  replaceKeyMaterial(source: string, fingerprint: string, armored: string, userIds: string[]): void {
    this.updateArmored.run(armored, JSON.stringify(userIds), source, fingerprint);
  }

  /** Pins the pending keys of `source` (only `fingerprint` when given); returns how many. */
  acceptPending(source: string, now: Date, fingerprint?: string): number {
    if (fingerprint !== undefined) return this.promoteOne.run(now.toISOString(), source, fingerprint).changes;
    return this.promote.run(now.toISOString(), source).changes;
  }

  /** Removes one key of a source, or every key of it when `fingerprint` is null. */
  removeKeys(source: string, fingerprint: string | null): number {
    return this.deleteKey.run(source, fingerprint, fingerprint).changes;
  }

  keys(source?: string): UpstreamKeyRow[] {
    return (source === undefined ? this.allKeys.all() : this.keysOf.all(source)).map(keyRow);
  }

  mark(key: string): string | null {
    return this.readMark.get(key)?.date ?? null;
  }

  /** Raises the mark for `key` to `date` (ISO 8601, UTC); never lowers it. */
  raiseMark(key: string, date: string, now: Date): void {
    this.writeMark.run(key, date, now.toISOString());
  }

  addAnchor(anchor: Omit<TrustAnchorRow, 'addedAt'>, now: Date): boolean {
    return this.insertAnchor.run(anchor.kind, anchor.id, anchor.description, anchor.data, now.toISOString()).changes === 1;
  }

  removeAnchor(id: string): boolean {
    return this.deleteAnchor.run(id).changes > 0;
  }

  anchors(kind?: string): TrustAnchorRow[] {
    const rows = kind === undefined ? this.allAnchors.all() : this.anchorsOf.all(kind);
    return rows.map((r) => ({ kind: r.kind, id: r.id, description: r.description, data: r.data, addedAt: r.added_at }));
  }
}
