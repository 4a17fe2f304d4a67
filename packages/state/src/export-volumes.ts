import type { Digest } from '@airlock/core';
import type { SqliteDatabase } from './database.js';

/** A volume an unfinished export wrote (see the written_volumes table). */
export interface WrittenVolumeRecord {
  number: number;
  /** Hex sha256 naming what the volume was packed from (bundle, number, compression, entries). */
  planSha256: string;
  name: string;
  size: number;
  sha256: string;
  parts: Array<{ blob: Digest; index: number; offset: number; size: number; digest: Digest }>;
}

interface Row {
  number: number;
  plan_sha256: string;
  name: string;
  size: number;
  sha256: string;
  parts_json: string;
}

/** The exporter's note of volumes written for a bundle that has no manifest yet. */
export class WrittenVolumeLog {
  private readonly select;
  private readonly upsert;
  private readonly clear;

  constructor(db: SqliteDatabase) {
    this.select = db.prepare<[string, string], Row>('SELECT number, plan_sha256, name, size, sha256, parts_json FROM written_volumes WHERE channel = ? AND bundle_id = ? ORDER BY number');
    this.upsert = db.prepare(
      `INSERT INTO written_volumes (channel, bundle_id, number, plan_sha256, name, size, sha256, parts_json, written_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (channel, bundle_id, number) DO UPDATE SET plan_sha256 = excluded.plan_sha256, name = excluded.name,
         size = excluded.size, sha256 = excluded.sha256, parts_json = excluded.parts_json, written_at = excluded.written_at`,
    );
    this.clear = db.prepare('DELETE FROM written_volumes WHERE channel = ?');
  }

  find(channel: string, bundleId: string): WrittenVolumeRecord[] {
    return this.select.all(channel, bundleId).map((r) => ({
      number: r.number,
      planSha256: r.plan_sha256,
      name: r.name,
      size: r.size,
      sha256: r.sha256,
      parts: JSON.parse(r.parts_json) as WrittenVolumeRecord['parts'],
    }));
  }

  record(channel: string, bundleId: string, v: WrittenVolumeRecord, now: Date): void {
    this.upsert.run(channel, bundleId, v.number, v.planSha256, v.name, v.size, v.sha256, JSON.stringify(v.parts), now.toISOString());
  }

  forget(channel: string): void {
    this.clear.run(channel);
  }
}
