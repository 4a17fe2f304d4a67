import type { SqliteDatabase, Transaction } from './database.js';
import type { BundleLedger } from './site-bundles.js';
import { refuse } from './state-error.js';
import type { BundleRow, ChannelRow } from './site-types.js';

interface ChannelRecord {
  name: string;
  last_sequence: number;
  last_bundle_id: string;
  last_manifest_sha256: string;
  updated_at: string;
}

function toChannelRow(r: ChannelRecord): ChannelRow {
  return {
    name: r.name,
    lastSequence: r.last_sequence,
    lastBundleId: r.last_bundle_id,
    lastManifestSha256: r.last_manifest_sha256,
    updatedAt: r.updated_at,
  };
}

/**
 * Channels and their last published bundle. The last sequence only ever grows (a rollback of the
 * publication does not lower it), so a replayed older bundle stays refused.
 */
export class ChannelLedger {
  private readonly one;
  private readonly all;
  private readonly setPublished;
  private readonly advance;
  private readonly supersede;
  private readonly publishTransaction: Transaction<(shas: string[], at: string) => void>;

  constructor(
    db: SqliteDatabase,
    private readonly bundles: BundleLedger,
  ) {
    const columns = 'name, last_sequence, last_bundle_id, last_manifest_sha256, updated_at';
    this.one = db.prepare<[string], ChannelRecord>(`SELECT ${columns} FROM channels WHERE name = ?`);
    this.all = db.prepare<[], ChannelRecord>(`SELECT ${columns} FROM channels ORDER BY name`);
    this.setPublished = db.prepare("UPDATE bundles SET status = 'published', published_at = ? WHERE manifest_sha256 = ? AND status = 'complete'");
    this.advance = db.prepare(
      `INSERT INTO channels (name, last_sequence, last_bundle_id, last_manifest_sha256, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET last_sequence = excluded.last_sequence, last_bundle_id = excluded.last_bundle_id,
         last_manifest_sha256 = excluded.last_manifest_sha256, updated_at = excluded.updated_at
       WHERE excluded.last_sequence > channels.last_sequence`,
    );
    this.supersede = db.prepare(
      `UPDATE bundles SET status = 'superseded'
       WHERE channel = ? AND status IN ('pending', 'complete') AND sequence <= (SELECT last_sequence FROM channels WHERE name = ?)`,
    );
    this.publishTransaction = db.transaction((shas, at) => this.applyPublished(shas, at));
  }

  get(name: string): ChannelRow | null {
    const row = this.one.get(name);
    return row === undefined ? null : toChannelRow(row);
  }

  list(): ChannelRow[] {
    return this.all.all().map(toChannelRow);
  }

  /** The bundle the channel's last publication came from. */
  publishedBundle(name: string): BundleRow | null {
    const channel = this.get(name);
    return channel === null ? null : this.bundles.get(channel.lastManifestSha256);
  }

  markPublished(manifestSha256s: string[], now: Date): void {
    this.publishTransaction.immediate(manifestSha256s, now.toISOString());
  }

  /** All three steps run in one transaction; bundles are marked first so their order does not matter. */
  private applyPublished(shas: string[], at: string): void {
    const published = shas.map((sha) => {
      const bundle = this.bundles.require(sha);
      if (bundle.status !== 'complete' && bundle.status !== 'published') {
        throw refuse(`bundle ${bundle.id} is ${bundle.status}; only a complete bundle can be published`, { manifestSha256: sha, status: bundle.status });
      }
      this.setPublished.run(at, sha);
      return bundle;
    });
    for (const b of published) this.advance.run(b.channel, b.sequence, b.id, b.manifestSha256, at);
    for (const channel of new Set(published.map((b) => b.channel))) this.supersede.run(channel, channel);
  }
}
