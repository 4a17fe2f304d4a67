import type { Digest } from '@airlock/core';
import type { SqliteDatabase } from './database.js';

/** Rows per multi-row statement: one call into SQLite per this many blobs instead of one per blob. */
const ROWS_PER_STATEMENT = 100;

const UPSERT_TAIL = 'ON CONFLICT (channel, digest) DO UPDATE SET size = excluded.size, sequence = excluded.sequence';

/**
 * Writes `shipped` rows in digest order (the b-tree then fills page by page instead of at random)
 * and many rows per statement: 100,000 blobs went from 0.28 s to 0.14 s here.
 */
export class ShippedRows {
  private readonly one;
  private readonly many;

  constructor(db: SqliteDatabase) {
    this.one = db.prepare(`INSERT INTO shipped (channel, digest, size, sequence) VALUES (?, ?, ?, ?) ${UPSERT_TAIL}`);
    this.many = db.prepare(`INSERT INTO shipped (channel, digest, size, sequence) VALUES ${Array(ROWS_PER_STATEMENT).fill('(?, ?, ?, ?)').join(', ')} ${UPSERT_TAIL}`);
  }

  /** Inserts or updates one row per blob; call inside a transaction. */
  upsert(channel: string, sequence: number, blobs: readonly { digest: Digest; size: number }[]): void {
    const sorted = inDigestOrder(blobs);
    const args: unknown[] = new Array(ROWS_PER_STATEMENT * 4);
    let i = 0;
    for (; i + ROWS_PER_STATEMENT <= sorted.length; i += ROWS_PER_STATEMENT) {
      for (let k = 0; k < ROWS_PER_STATEMENT; k++) {
        const blob = sorted[i + k] as { digest: Digest; size: number };
        args[k * 4] = channel;
        args[k * 4 + 1] = blob.digest;
        args[k * 4 + 2] = blob.size;
        args[k * 4 + 3] = sequence;
      }
      this.many.run(args);
    }
    for (; i < sorted.length; i++) {
      const blob = sorted[i] as { digest: Digest; size: number };
      this.one.run(channel, blob.digest, blob.size, sequence);
    }
  }
}

/** The blobs by digest; a list already in that order (a manifest's) is used as it is. */
function inDigestOrder<T extends { digest: Digest }>(blobs: readonly T[]): readonly T[] {
  let ordered = true;
  for (let i = 1; i < blobs.length && ordered; i++) ordered = (blobs[i - 1] as T).digest <= (blobs[i] as T).digest;
  return ordered ? blobs : [...blobs].sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
}
