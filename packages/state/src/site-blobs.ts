import type { Digest } from '@airlock/core';
import type { SqliteDatabase, Transaction } from './database.js';

/** Index of what the vault holds, so status and receipts need not walk the vault directory. */
export class BlobIndex {
  private readonly insert;
  private readonly has;
  private readonly count;
  private readonly list;
  private readonly remove;
  private readonly insertMany: Transaction<(blobs: Array<{ digest: Digest; size: number }>, at: string) => number>;
  private readonly removeMany: Transaction<(digests: Digest[]) => number>;
  private readonly heldAmong: Transaction<(digests: Iterable<Digest>) => Set<Digest>>;

  constructor(db: SqliteDatabase) {
    this.insert = db.prepare('INSERT INTO blobs (digest, size, added_at) VALUES (?, ?, ?) ON CONFLICT (digest) DO NOTHING');
    this.has = db.prepare<[string], number>('SELECT 1 FROM blobs WHERE digest = ?').pluck();
    this.count = db.prepare<[], number>('SELECT COUNT(*) FROM blobs').pluck();
    this.list = db.prepare<[], { digest: Digest; size: number }>('SELECT digest, size FROM blobs ORDER BY digest');
    this.remove = db.prepare('DELETE FROM blobs WHERE digest = ?');
    this.removeMany = db.transaction((digests) => digests.reduce((n, digest) => n + this.remove.run(digest).changes, 0));
    this.heldAmong = db.transaction((digests) => {
      const held = new Set<Digest>();
      for (const digest of digests) if (this.has.get(digest) !== undefined) held.add(digest);
      return held;
    });
    this.insertMany = db.transaction((blobs, at) => {
      let added = 0;
      for (const blob of blobs) added += this.insert.run(blob.digest, blob.size, at).changes;
      return added;
    });
  }

  /** Returns true when the digest was new to the index. */
  record(digest: Digest, size: number, now: Date): boolean {
    return this.insert.run(digest, size, now.toISOString()).changes === 1;
  }

  /** Records many blobs in one transaction; returns how many were new. */
  recordAll(blobs: Array<{ digest: Digest; size: number }>, now: Date): number {
    return this.insertMany.immediate(blobs, now.toISOString());
  }

  /** Forgets blobs the vault no longer holds; returns how many were indexed. */
  forgetAll(digests: Digest[]): number {
    return this.removeMany.immediate(digests);
  }

  contains(digest: Digest): boolean {
    return this.has.get(digest) !== undefined;
  }

  /** Which of `digests` are indexed, in one read transaction (a lookup each would take the WAL read lock each time). */
  held(digests: Iterable<Digest>): Set<Digest> {
    return this.heldAmong(digests);
  }

  size(): number {
    return this.count.get() ?? 0;
  }

  /** Every indexed blob, sorted by digest, streamed (for receipts). */
  *iterate(): IterableIterator<{ digest: Digest; size: number }> {
    yield* this.list.iterate();
  }
}
