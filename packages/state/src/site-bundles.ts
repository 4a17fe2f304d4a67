import type { SqliteDatabase, Transaction } from './database.js';
import { refuse } from './state-error.js';
import type { BundleInput, BundleRow, BundleStatus, VolumeRef, VolumeRow } from './site-types.js';

interface BundleRecord {
  manifest_sha256: string;
  id: string;
  channel: string;
  sequence: number;
  base_sequence: number | null;
  status: BundleStatus;
  manifest_path: string;
  received_at: string;
  completed_at: string | null;
  published_at: string | null;
  reason: string | null;
  volumes_ingested: number;
  volumes_total: number;
  signer: string | null;
}

interface VolumeRecord {
  number: number;
  name: string;
  status: 'missing' | 'ingested';
  ingested_at: string | null;
}

const SELECT_BUNDLE = `
  SELECT b.*,
    (SELECT COUNT(*) FROM bundle_volumes v WHERE v.manifest_sha256 = b.manifest_sha256 AND v.status = 'ingested') AS volumes_ingested,
    (SELECT COUNT(*) FROM bundle_volumes v WHERE v.manifest_sha256 = b.manifest_sha256) AS volumes_total
  FROM bundles b`;

function toBundleRow(r: BundleRecord): BundleRow {
  return {
    manifestSha256: r.manifest_sha256,
    id: r.id,
    channel: r.channel,
    sequence: r.sequence,
    baseSequence: r.base_sequence,
    status: r.status,
    manifestPath: r.manifest_path,
    receivedAt: r.received_at,
    completedAt: r.completed_at,
    publishedAt: r.published_at,
    reason: r.reason,
    volumesIngested: r.volumes_ingested,
    volumesTotal: r.volumes_total,
    signer: r.signer,
  };
}

/** A path inside the home, so the home can move: relative, no `..`, no empty or `.` segments. */
function isHomeRelative(path: string): boolean {
  const parts = path.split('/');
  return path.length > 0 && !path.startsWith('/') && !path.includes('\\') && parts.every((p) => p !== '' && p !== '.' && p !== '..');
}

/** Bundles seen by this site and their volumes, from first sight to completion or rejection. */
export class BundleLedger {
  private readonly one;
  private readonly all;
  private readonly byStatus;
  private readonly insertBundle;
  private readonly insertVolume;
  private readonly ingestVolume;
  private readonly reopenVolume;
  private readonly reopenBundle;
  private readonly listVolumes;
  private readonly setComplete;
  private readonly setRejected;
  private readonly setSigner;
  private readonly upsertTransaction: Transaction<(b: BundleInput, at: string) => BundleRow>;

  constructor(db: SqliteDatabase) {
    this.one = db.prepare<[string], BundleRecord>(`${SELECT_BUNDLE} WHERE b.manifest_sha256 = ?`);
    this.all = db.prepare<[], BundleRecord>(`${SELECT_BUNDLE} ORDER BY b.channel, b.sequence, b.received_at`);
    this.byStatus = db.prepare<[string], BundleRecord>(`${SELECT_BUNDLE} WHERE b.status = ? ORDER BY b.channel, b.sequence, b.received_at`);
    this.insertBundle = db.prepare(
      `INSERT INTO bundles (manifest_sha256, id, channel, sequence, base_sequence, status, manifest_path, received_at, signer)
       VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
    );
    this.insertVolume = db.prepare("INSERT INTO bundle_volumes (manifest_sha256, number, name, status) VALUES (?, ?, ?, 'missing')");
    this.ingestVolume = db.prepare(
      "UPDATE bundle_volumes SET status = 'ingested', ingested_at = COALESCE(ingested_at, ?) WHERE manifest_sha256 = ? AND number = ?",
    );
    this.reopenVolume = db.prepare("UPDATE bundle_volumes SET status = 'missing', ingested_at = NULL WHERE manifest_sha256 = ? AND number = ? AND status = 'ingested'");
    this.reopenBundle = db.prepare("UPDATE bundles SET status = 'pending', completed_at = NULL WHERE manifest_sha256 = ? AND status = 'complete'");
    this.listVolumes = db.prepare<[string], VolumeRecord>(
      'SELECT number, name, status, ingested_at FROM bundle_volumes WHERE manifest_sha256 = ? ORDER BY number',
    );
    this.setComplete = db.prepare("UPDATE bundles SET status = 'complete', completed_at = ? WHERE manifest_sha256 = ? AND status = 'pending'");
    this.setRejected = db.prepare(
      "UPDATE bundles SET status = 'rejected', reason = ? WHERE manifest_sha256 = ? AND status IN ('pending', 'complete', 'superseded', 'rejected')",
    );
    this.setSigner = db.prepare('UPDATE bundles SET signer = ? WHERE manifest_sha256 = ? AND signer IS NULL');
    this.upsertTransaction = db.transaction((b, at) => {
      const existing = this.get(b.manifestSha256);
      if (existing !== null) {
        // A bundle first seen before signers were recorded learns its signer on the next import.
        if (existing.signer !== null || b.signer === undefined) return existing;
        this.setSigner.run(b.signer, b.manifestSha256);
        return this.require(b.manifestSha256);
      }
      this.insertBundle.run(b.manifestSha256, b.id, b.channel, b.sequence, b.baseSequence, b.manifestPath, at, b.signer ?? null);
      for (const v of b.volumes) this.insertVolume.run(b.manifestSha256, v.number, v.name);
      return this.require(b.manifestSha256);
    });
  }

  /**
   * Same manifest sha256 means same manifest, so a known bundle is returned as it stands.
   * The values come from a signed manifest (attacker-controlled until trusted); they are only ever bound as parameters.
   */
  upsert(bundle: BundleInput, now: Date): BundleRow {
    if (!isHomeRelative(bundle.manifestPath)) {
      throw refuse(`the stored manifest path ${JSON.stringify(bundle.manifestPath)} must be relative to the airlock home`, { manifestPath: bundle.manifestPath });
    }
    return this.upsertTransaction.immediate(bundle, now.toISOString());
  }

  get(manifestSha256: string): BundleRow | null {
    const row = this.one.get(manifestSha256);
    return row === undefined ? null : toBundleRow(row);
  }

  require(manifestSha256: string): BundleRow {
    const row = this.get(manifestSha256);
    if (row === null) throw refuse(`no bundle with manifest sha256 ${manifestSha256} is recorded on this site`, { manifestSha256 });
    return row;
  }

  list(filter: { status?: BundleStatus } = {}): BundleRow[] {
    const rows = filter.status === undefined ? this.all.all() : this.byStatus.all(filter.status);
    return rows.map(toBundleRow);
  }

  volumes(manifestSha256: string): VolumeRow[] {
    return this.listVolumes.all(manifestSha256).map((v) => ({ number: v.number, name: v.name, status: v.status, ingestedAt: v.ingested_at }));
  }

  missingVolumes(manifestSha256: string): VolumeRef[] {
    return this.volumes(manifestSha256)
      .filter((v) => v.status === 'missing')
      .map((v) => ({ number: v.number, name: v.name }));
  }

  /** Idempotent: a volume ingested twice keeps its first ingestion time. */
  markVolumeIngested(manifestSha256: string, number: number, now: Date): void {
    if (this.ingestVolume.run(now.toISOString(), manifestSha256, number).changes === 0) {
      throw refuse(`bundle ${manifestSha256} has no recorded volume ${number}`, { manifestSha256, volume: number });
    }
  }

  /**
   * A volume whose content the vault lost (a stored part failed to verify) must be brought again:
   * it is missing once more, and a complete bundle is pending again. Returns false if it was missing already.
   */
  markVolumeMissing(manifestSha256: string, number: number): boolean {
    const changed = this.reopenVolume.run(manifestSha256, number).changes === 1;
    if (changed) this.reopenBundle.run(manifestSha256);
    return changed;
  }

  /** pending → complete (all of its blobs are in the vault). Already complete is a no-op. */
  markComplete(manifestSha256: string, now: Date): void {
    if (this.setComplete.run(now.toISOString(), manifestSha256).changes === 1) return;
    const bundle = this.require(manifestSha256);
    if (bundle.status !== 'complete') {
      throw refuse(`bundle ${bundle.id} is ${bundle.status}; only a pending bundle can become complete`, { manifestSha256, status: bundle.status });
    }
  }

  /** Anything not yet published can be rejected; a published bundle is history and stays so. */
  markRejected(manifestSha256: string, reason: string): void {
    if (this.setRejected.run(reason, manifestSha256).changes === 1) return;
    const bundle = this.require(manifestSha256);
    throw refuse(`bundle ${bundle.id} is ${bundle.status} and cannot be rejected`, { manifestSha256, status: bundle.status });
  }
}
