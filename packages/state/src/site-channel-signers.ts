import type { SqliteDatabase, Transaction } from './database.js';
import type { ChannelSignerOrigin, ChannelSignerRow } from './site-types.js';

interface SignerRecord {
  channel: string;
  fingerprint: string;
  origin: ChannelSignerOrigin;
  bound_at: string;
}

const toRow = (r: SignerRecord): ChannelSignerRow => ({ channel: r.channel, fingerprint: r.fingerprint, origin: r.origin, boundAt: r.bound_at });

/** Which exporter keys may sign each channel (see migration 3). */
export class ChannelSigners {
  private readonly insert;
  private readonly clear;
  private readonly of;
  private readonly all;
  private readonly bindFirst: Transaction<(channel: string, fingerprint: string, at: string) => SignerRecord[]>;
  private readonly replaceAll: Transaction<(channel: string, fingerprints: string[], at: string) => void>;

  constructor(db: SqliteDatabase) {
    this.insert = db.prepare('INSERT INTO channel_signers (channel, fingerprint, origin, bound_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
    this.clear = db.prepare('DELETE FROM channel_signers WHERE channel = ?');
    this.of = db.prepare<[string], SignerRecord>('SELECT * FROM channel_signers WHERE channel = ? ORDER BY bound_at, fingerprint');
    this.all = db.prepare<[], SignerRecord>('SELECT * FROM channel_signers ORDER BY channel, bound_at, fingerprint');
    this.bindFirst = db.transaction((channel, fingerprint, at) => {
      const bound = this.of.all(channel);
      if (bound.length > 0) return bound;
      this.insert.run(channel, fingerprint, 'first-use', at);
      return this.of.all(channel);
    });
    this.replaceAll = db.transaction((channel, fingerprints, at) => {
      this.clear.run(channel);
      for (const fingerprint of fingerprints) this.insert.run(channel, fingerprint, 'operator', at);
    });
  }

  /** The channel's signers; when it has none yet, `fingerprint` becomes its first-use signer. */
  bindOnFirstUse(channel: string, fingerprint: string, now: Date): ChannelSignerRow[] {
    return this.bindFirst.immediate(channel, fingerprint, now.toISOString()).map(toRow);
  }

  /** Adds operator-named signers, keeping the ones the channel has. */
  add(channel: string, fingerprints: string[], now: Date): void {
    for (const fingerprint of fingerprints) this.insert.run(channel, fingerprint, 'operator', now.toISOString());
  }

  /** Makes exactly `fingerprints` the channel's signers (rotation). */
  replace(channel: string, fingerprints: string[], now: Date): void {
    this.replaceAll.immediate(channel, fingerprints, now.toISOString());
  }

  list(channel?: string): ChannelSignerRow[] {
    return (channel === undefined ? this.all.all() : this.of.all(channel)).map(toRow);
  }
}
