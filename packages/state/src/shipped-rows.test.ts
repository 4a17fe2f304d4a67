import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Digest } from '@airlock/core';
import { tempDir } from '@airlock/test-utils';
import { openDatabase } from './database.js';
import { EXPORT_MIGRATIONS } from './export-schema.js';
import { ShippedRows } from './shipped-rows.js';

const digest = (n: number): Digest => `sha256:${n.toString(16).padStart(64, '0')}`;

async function openRows() {
  const db = openDatabase(join(await tempDir(), 'export.db'), EXPORT_MIGRATIONS);
  const read = (channel: string) =>
    db.prepare<[string], { digest: string; size: number; sequence: number }>('SELECT digest, size, sequence FROM shipped WHERE channel = ? ORDER BY digest').all(channel);
  return { db, rows: new ShippedRows(db), read };
}

describe('ShippedRows', () => {
  it('writes every blob of a list longer than one multi-row statement, in any order, a repeated digest once with its last size', async () => {
    const { db, rows, read } = await openRows();
    // 257: two full statements of 100 rows, then 57 one at a time; shuffled, so the list is sorted first.
    const blobs = Array.from({ length: 257 }, (_, i) => ({ digest: digest((i * 7919) % 257), size: i + 1 }));
    blobs.push({ digest: digest(3), size: 999 });
    db.transaction(() => rows.upsert('a', 2, blobs))();
    const got = read('a');
    expect(got).toHaveLength(257);
    const expected = new Map(blobs.map((b) => [b.digest, b.size]));
    for (const row of got) expect(row).toEqual({ digest: row.digest, size: expected.get(row.digest as Digest), sequence: 2 });
    expect(got.find((r) => r.digest === digest(3))?.size).toBe(999);
    expect(read('b')).toEqual([]);
  });

  it('updates the size and sequence of blobs already shipped and leaves the others', async () => {
    const { db, rows, read } = await openRows();
    db.transaction(() => rows.upsert('a', 1, Array.from({ length: 150 }, (_, i) => ({ digest: digest(i), size: 10 }))))();
    db.transaction(() => rows.upsert('a', 2, Array.from({ length: 120 }, (_, i) => ({ digest: digest(i + 100), size: 20 }))))();
    const got = read('a');
    expect(got).toHaveLength(220);
    expect(got.filter((r) => r.sequence === 1 && r.size === 10)).toHaveLength(100);
    expect(got.filter((r) => r.sequence === 2 && r.size === 20)).toHaveLength(120);
  });
});
