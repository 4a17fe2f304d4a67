import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Digest } from '@airlock/core';
import { expectCodeSync, tempDir } from '@airlock/test-utils';
import { ExportState, type RecordBundleInput } from './export-state.js';

const digest = (n: number): Digest => `sha256:${n.toString(16).padStart(64, '0')}`;
const blobs = (...ns: number[]) => ns.map((n) => ({ digest: digest(n), size: n * 10 }));

function bundle(sequence: number, over: Partial<RecordBundleInput> = {}): RecordBundleInput {
  return {
    channel: 'site-a',
    sequence,
    id: `site-a-${String(sequence).padStart(6, '0')}`,
    manifestSha256: `m${sequence}`,
    createdAt: `2030-01-0${sequence}T00:00:00.000Z`,
    baseSequence: sequence === 1 ? null : sequence - 1,
    blobs: [],
    ...over,
  };
}

async function openState(): Promise<ExportState> {
  const state = ExportState.open(join(await tempDir(), 'home', 'export.db'));
  return state;
}

describe('ExportState', () => {
  it('starts empty', async () => {
    const state = await openState();
    expect(state.lastSequence('site-a')).toBe(0);
    expect(state.lastBundle('site-a')).toBeNull();
    expect(state.history('site-a')).toEqual([]);
    expect(state.isShipped('site-a', digest(1))).toBe(false);
    expect(state.shippedCount('site-a')).toBe(0);
    state.close();
  });

  it('records bundles in sequence and remembers what they shipped, per channel', async () => {
    const state = await openState();
    state.recordBundle(bundle(1, { blobs: blobs(1, 2) }));
    state.recordBundle(bundle(2, { blobs: blobs(2, 3) }));
    expect(state.lastSequence('site-a')).toBe(2);
    expect(state.lastBundle('site-a')).toEqual({
      sequence: 2, id: 'site-a-000002', manifestSha256: 'm2', createdAt: '2030-01-02T00:00:00.000Z', baseSequence: 1, blobCount: 2, bytes: 50,
    });
    expect(state.history('site-a').map((b) => b.sequence)).toEqual([1, 2]);
    expect(state.history('site-a')[0]?.baseSequence).toBeNull();
    for (const n of [1, 2, 3]) expect(state.isShipped('site-a', digest(n))).toBe(true);
    expect(state.isShipped('site-a', digest(4))).toBe(false);
    expect(state.shippedCount('site-a')).toBe(3);
    expect(state.isShipped('site-b', digest(1))).toBe(false);
    expect(state.lastSequence('site-b')).toBe(0);
    state.close();
  });

  it('refuses a sequence gap, a repeat and a non-positive sequence, changing nothing', async () => {
    const state = await openState();
    expectCodeSync(() => state.recordBundle(bundle(2, { blobs: blobs(9) })), 'STATE_ERROR');
    expectCodeSync(() => state.recordBundle(bundle(0)), 'STATE_ERROR');
    state.recordBundle(bundle(1));
    expectCodeSync(() => state.recordBundle(bundle(1)), 'STATE_ERROR');
    expectCodeSync(() => state.recordBundle(bundle(3, { blobs: blobs(9) })), 'STATE_ERROR');
    expect(state.lastSequence('site-a')).toBe(1);
    expect(state.isShipped('site-a', digest(9))).toBe(false);
    state.close();
  });

  it('records a bundle and its blobs in one transaction', async () => {
    const state = await openState();
    const broken = [...blobs(1, 2), { digest: digest(3), size: null as unknown as number }]; // NOT NULL fails on the last row
    expectCodeSync(() => state.recordBundle(bundle(1, { blobs: broken })), 'STATE_ERROR');
    expect(state.lastSequence('site-a')).toBe(0);
    expect(state.shippedCount('site-a')).toBe(0);
    state.close();
  });

  it('unshipped keeps the order and only the items not shipped on that channel', async () => {
    const state = await openState();
    state.recordBundle(bundle(1, { blobs: blobs(2, 4) }));
    const items = [1, 2, 3, 4, 5].map((n) => ({ digest: digest(n), label: `n${n}` }));
    expect(state.unshipped('site-a', items).map((i) => i.label)).toEqual(['n1', 'n3', 'n5']);
    expect(state.unshipped('other', items)).toHaveLength(5);
    expect(state.unshipped('site-a', [])).toEqual([]);
    state.close();
  });

  it('forgetShipped starts a new base line for --full', async () => {
    const state = await openState();
    state.recordBundle(bundle(1, { blobs: blobs(1, 2) }));
    state.recordBundle({ ...bundle(1, { blobs: blobs(1) }), channel: 'other' });
    expect(state.forgetShipped('site-a')).toBe(2);
    expect(state.isShipped('site-a', digest(1))).toBe(false);
    expect(state.isShipped('other', digest(1))).toBe(true);
    expect(state.lastSequence('site-a')).toBe(1); // history is kept: sequences keep growing
    state.recordBundle(bundle(2, { baseSequence: null, blobs: blobs(1, 2, 3) }));
    expect(state.shippedCount('site-a')).toBe(3);
    state.close();
  });

  it('replaces shipped with exactly what a receipt lists', async () => {
    const state = await openState();
    state.recordBundle(bundle(1, { blobs: blobs(1, 2, 3) }));
    state.replaceShippedFromReceipt('site-a', 1, blobs(2, 4));
    expect([1, 2, 3, 4].map((n) => state.isShipped('site-a', digest(n)))).toEqual([false, true, false, true]);
    expect(state.shippedCount('site-a')).toBe(2);
    state.replaceShippedFromReceipt('site-a', 1, []);
    expect(state.shippedCount('site-a')).toBe(0);
    state.close();
  });

  it('keeps a failed receipt replacement from changing anything', async () => {
    const state = await openState();
    state.recordBundle(bundle(1, { blobs: blobs(1) }));
    const broken = [...blobs(5), { digest: digest(6), size: null as unknown as number }];
    expectCodeSync(() => state.replaceShippedFromReceipt('site-a', 1, broken), 'STATE_ERROR');
    expect(state.isShipped('site-a', digest(1))).toBe(true);
    expect(state.isShipped('site-a', digest(5))).toBe(false);
    state.close();
  });

  it('answers 100k isShipped lookups, half of them hits (speed is for bench/, not a timed test)', async () => {
    const state = await openState();
    const count = 100_000;
    const many = Array.from({ length: count }, (_, i) => ({ digest: digest(i * 2), size: i }));
    state.recordBundle(bundle(1, { blobs: many }));
    expect(state.shippedCount('site-a')).toBe(count);
    let hits = 0;
    for (let i = 0; i < count; i++) if (state.isShipped('site-a', digest(i))) hits++;
    expect(hits).toBe(count / 2);

    const probe = Array.from({ length: count }, (_, i) => ({ digest: digest(i) }));
    const missing = state.unshipped('site-a', probe);
    expect(missing).toHaveLength(count / 2);
    expect(missing[0]).toBe(probe[1]);
    state.close();
  });

  it('remembers the volumes of an unfinished export per bundle, and forgets those of a channel once it records a bundle', async () => {
    const state = await openState();
    const volume = (number: number, planSha256: string) => ({
      number, planSha256, name: `site-a-000001.vol-000${number}.tar.zst`, size: 100 * number, sha256: 'ab'.repeat(32),
      parts: [{ blob: digest(7), index: 0, offset: 0, size: 10, digest: digest(8) }],
    });
    state.recordWrittenVolume('site-a', 'site-a-000001', volume(2, 'p2'));
    state.recordWrittenVolume('site-a', 'site-a-000001', volume(1, 'p1'));
    state.recordWrittenVolume('site-a', 'site-a-000001', volume(1, 'p1-again'));
    state.recordWrittenVolume('site-b', 'site-b-000001', volume(1, 'b1'));
    expect(state.writtenVolumes('site-a', 'site-a-000001')).toEqual([volume(1, 'p1-again'), volume(2, 'p2')]);
    expect(state.writtenVolumes('site-a', 'site-a-000002')).toEqual([]);
    state.recordBundle(bundle(1));
    expect(state.writtenVolumes('site-a', 'site-a-000001')).toEqual([]);
    expect(state.writtenVolumes('site-b', 'site-b-000001')).toHaveLength(1);
    state.close();
  });
});
