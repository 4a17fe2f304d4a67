import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { expectCodeSync, tempDir } from '@airlock/test-utils';
import { ExportState } from './export-state.js';
import { EXPORT_MIGRATIONS } from './export-schema.js';
import { SiteState } from './site-state.js';
import { SITE_MIGRATIONS } from './site-schema.js';
import { migrate, openDatabase } from './database.js';

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}` as const;

function pragma(path: string, name: string): unknown {
  const raw = new Database(path, { readonly: true });
  try {
    return raw.pragma(name, { simple: true });
  } finally {
    raw.close();
  }
}

describe('openDatabase', () => {
  it('creates parent directories and uses WAL with foreign keys on', async () => {
    const path = join(await tempDir(), 'deep', 'er', 'state.db');
    const db = openDatabase(path, SITE_MIGRATIONS);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
    expect(existsSync(path)).toBe(true);
  });

  it('applies migrations once and keeps data across reopen', async () => {
    const dir = await tempDir();
    const site = SiteState.open(join(dir, 'state.db'));
    site.addTrustedKey({ fingerprint: 'A'.repeat(40), userIds: ['x'], armored: 'k' });
    site.close();
    const again = SiteState.open(join(dir, 'state.db'));
    expect(again.trustedKeys()).toHaveLength(1);
    again.close();
    expect(pragma(join(dir, 'state.db'), 'user_version')).toBe(SITE_MIGRATIONS.length);

    const exp = ExportState.open(join(dir, 'export.db'));
    exp.recordBundle({ channel: 'c', sequence: 1, id: 'c-000001', manifestSha256: 'm1', createdAt: 't', baseSequence: null, blobs: [] });
    exp.close();
    const exp2 = ExportState.open(join(dir, 'export.db'));
    expect(exp2.lastSequence('c')).toBe(1);
    exp2.close();
    expect(pragma(join(dir, 'export.db'), 'user_version')).toBe(EXPORT_MIGRATIONS.length);
  });

  it('applies only the missing steps of an older schema', async () => {
    const path = join(await tempDir(), 'm.db');
    const steps = ['CREATE TABLE a (x INTEGER);', 'CREATE TABLE b (y INTEGER);'];
    openDatabase(path, steps.slice(0, 1)).close();
    const db = openDatabase(path, steps); // would fail with "table a already exists" if step 1 ran again
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    migrate(db, steps);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    db.close();
  });

  it('rolls back a failing migration as a whole', async () => {
    const path = join(await tempDir(), 'm.db');
    const err = expectCodeSync(() => openDatabase(path, ['CREATE TABLE a (x INTEGER); CREATE TABLE a (x INTEGER);']), 'STATE_ERROR');
    expect(err.cause).toBeDefined();
    expect(pragma(path, 'user_version')).toBe(0);
    const db = openDatabase(path, ['CREATE TABLE a (x INTEGER);']);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
  });

  it('refuses a database written by a newer airlock', async () => {
    const path = join(await tempDir(), 'state.db');
    SiteState.open(path).close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${SITE_MIGRATIONS.length + 1}`);
    raw.close();
    expectCodeSync(() => SiteState.open(path), 'STATE_ERROR');
    expectCodeSync(() => ExportState.open(path), 'STATE_ERROR');
    expect(pragma(path, 'user_version')).toBe(SITE_MIGRATIONS.length + 1);
  });

  it('refuses a file that is not a database', async () => {
    const path = join(await tempDir(), 'state.db');
    writeFileSync(path, 'this is not sqlite '.repeat(100));
    expectCodeSync(() => SiteState.open(path), 'STATE_ERROR');
  });
});

describe('two connections (WAL)', () => {
  it('sees each other’s commits and reads while the other writes', async () => {
    const path = join(await tempDir(), 'export.db');
    const a = ExportState.open(path);
    const b = ExportState.open(path);
    a.recordBundle({ channel: 'c', sequence: 1, id: 'c-000001', manifestSha256: 'm1', createdAt: 't', baseSequence: null, blobs: [{ digest: digest(1), size: 1 }] });
    expect(b.isShipped('c', digest(1))).toBe(true);
    expect(b.lastSequence('c')).toBe(1);

    const writer = new Database(path);
    writer.exec('BEGIN IMMEDIATE');
    writer.prepare("INSERT INTO shipped (channel, digest, size, sequence) VALUES ('c', ?, 2, 1)").run(digest(2));
    expect(a.isShipped('c', digest(2))).toBe(false); // a reader is not blocked and sees only committed rows
    writer.exec('COMMIT');
    writer.close();
    expect(a.isShipped('c', digest(2))).toBe(true);
    b.recordBundle({ channel: 'c', sequence: 2, id: 'c-000002', manifestSha256: 'm2', createdAt: 't', baseSequence: 1, blobs: [] });
    expect(a.lastSequence('c')).toBe(2);
    a.close();
    b.close();
  });

  it('reports LOCKED when another writer holds the lock past the busy timeout', async () => {
    const path = join(await tempDir(), 'state.db');
    const site = SiteState.open(path, { busyTimeoutMs: 50 });
    const writer = new Database(path);
    writer.exec('BEGIN IMMEDIATE');
    try {
      expectCodeSync(() => site.recordBlobs([{ digest: digest(1), size: 1 }]), 'LOCKED');
      expect(site.blobCount()).toBe(0); // reads still work
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
    }
    site.recordBlobs([{ digest: digest(1), size: 1 }]);
    expect(site.blobCount()).toBe(1);
    site.close();
  });
});
