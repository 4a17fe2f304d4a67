import type { SqliteDatabase } from './database.js';
import type { TrustedKey } from './site-types.js';

interface KeyRecord {
  fingerprint: string;
  user_ids: string;
  armored: string;
  added_at: string;
}

/** The exporter keys this site accepts bundles from. */
export class TrustStore {
  private readonly insert;
  private readonly remove;
  private readonly list;
  private readonly updateMaterial;

  constructor(db: SqliteDatabase) {
    this.insert = db.prepare(
      'INSERT INTO trusted_keys (fingerprint, user_ids, armored, added_at) VALUES (?, ?, ?, ?) ON CONFLICT (fingerprint) DO NOTHING',
    );
    this.remove = db.prepare('DELETE FROM trusted_keys WHERE fingerprint = ?');
    this.updateMaterial = db.prepare('UPDATE trusted_keys SET armored = ?, user_ids = ? WHERE fingerprint = ?');
    this.list = db.prepare<[], KeyRecord>('SELECT fingerprint, user_ids, armored, added_at FROM trusted_keys ORDER BY added_at, fingerprint');
  }

  add(key: { fingerprint: string; userIds: string[]; armored: string }, now: Date): 'added' | 'present' {
    const result = this.insert.run(key.fingerprint, JSON.stringify(key.userIds), key.armored, now.toISOString());
    return result.changes === 1 ? 'added' : 'present';
  }

  /** Stores merged key material (a new expiry, a revocation) for a key already trusted. */
  replaceMaterial(fingerprint: string, armored: string, userIds: string[]): boolean {
    return this.updateMaterial.run(armored, JSON.stringify(userIds), fingerprint).changes === 1;
  }

  delete(fingerprint: string): boolean {
    return this.remove.run(fingerprint).changes === 1;
  }

  all(): TrustedKey[] {
    return this.list.all().map((r) => ({
      fingerprint: r.fingerprint,
      userIds: JSON.parse(r.user_ids) as string[],
      armored: r.armored,
      addedAt: r.added_at,
    }));
  }
}
