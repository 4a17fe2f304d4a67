import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Digest } from '@airlock/core';
import { expectCodeSync, tempDir } from '@airlock/test-utils';
import { SiteState } from './site-state.js';
import type { BundleInput } from './site-types.js';

const digest = (n: number): Digest => `sha256:${n.toString(16).padStart(64, '0')}`;
const T0 = new Date('2030-01-01T00:00:00.000Z');
const T1 = new Date('2030-01-02T00:00:00.000Z');

function bundle(sequence: number, over: Partial<BundleInput> = {}): BundleInput {
  const id = `site-a-${String(sequence).padStart(6, '0')}`;
  return {
    manifestSha256: `sha-${sequence}`,
    id,
    channel: 'site-a',
    sequence,
    baseSequence: sequence === 1 ? null : sequence - 1,
    manifestPath: `bundles/${id}.manifest.json`,
    volumes: [1, 2, 3].map((number) => ({ number, name: `${id}.vol-000${number}.tar.zst` })),
    ...over,
  };
}

async function openSite(): Promise<SiteState> {
  return SiteState.open(join(await tempDir(), 'home', 'state.db'));
}

describe('SiteState trust store', () => {
  it('adds, reports present, lists and removes keys', async () => {
    const site = await openSite();
    const key = { fingerprint: 'A'.repeat(40), userIds: ['Exporter <e@example.org>'], armored: '-----BEGIN PGP PUBLIC KEY BLOCK-----' };
    expect(site.addTrustedKey(key, T0)).toBe('added');
    expect(site.addTrustedKey({ ...key, userIds: ['changed'] }, T1)).toBe('present');
    expect(site.addTrustedKey({ ...key, fingerprint: 'B'.repeat(40) }, T1)).toBe('added');
    expect(site.trustedKeys()).toEqual([
      { ...key, addedAt: T0.toISOString() },
      { ...key, fingerprint: 'B'.repeat(40), addedAt: T1.toISOString() },
    ]);
    expect(site.removeTrustedKey('A'.repeat(40))).toBe(true);
    expect(site.removeTrustedKey('A'.repeat(40))).toBe(false);
    expect(site.trustedKeys().map((k) => k.fingerprint)).toEqual(['B'.repeat(40)]);
    site.close();
  });
});

describe('SiteState bundles', () => {
  it('walks a bundle from pending through volumes in any order to published', async () => {
    const site = await openSite();
    const row = site.upsertBundle(bundle(1), T0);
    expect(row).toMatchObject({ status: 'pending', volumesIngested: 0, volumesTotal: 3, receivedAt: T0.toISOString(), completedAt: null, reason: null });
    expect(site.missingVolumes('sha-1').map((v) => v.number)).toEqual([1, 2, 3]);

    site.markVolumeIngested('sha-1', 3, T0);
    expect(site.missingVolumes('sha-1').map((v) => v.number)).toEqual([1, 2]);
    site.markVolumeIngested('sha-1', 1, T1);
    site.markVolumeIngested('sha-1', 3, T1); // again: idempotent, keeps the first time
    expect(site.missingVolumes('sha-1')).toEqual([{ number: 2, name: 'site-a-000001.vol-0002.tar.zst' }]);
    expect(site.volumes('sha-1').find((v) => v.number === 3)?.ingestedAt).toBe(T0.toISOString());
    expect(site.bundle('sha-1')?.volumesIngested).toBe(2);
    site.markVolumeIngested('sha-1', 2, T1);
    expect(site.missingVolumes('sha-1')).toEqual([]);

    site.markBundleComplete('sha-1', T1);
    site.markBundleComplete('sha-1', T1);
    expect(site.bundle('sha-1')).toMatchObject({ status: 'complete', completedAt: T1.toISOString(), volumesIngested: 3 });
    expect(site.channel('site-a')).toBeNull();
    expect(site.publishedBundle('site-a')).toBeNull();

    site.markBundlesPublished(['sha-1'], T1);
    expect(site.bundle('sha-1')).toMatchObject({ status: 'published', publishedAt: T1.toISOString() });
    expect(site.channel('site-a')).toEqual({ name: 'site-a', lastSequence: 1, lastBundleId: 'site-a-000001', lastManifestSha256: 'sha-1', updatedAt: T1.toISOString() });
    expect(site.publishedBundle('site-a')?.manifestSha256).toBe('sha-1');
    site.close();
  });

  it('upsert is idempotent: a known bundle comes back unchanged', async () => {
    const site = await openSite();
    site.upsertBundle(bundle(1), T0);
    site.markVolumeIngested('sha-1', 2, T0);
    const again = site.upsertBundle({ ...bundle(1), manifestPath: 'elsewhere', volumes: [] }, T1);
    expect(again).toMatchObject({ manifestPath: 'bundles/site-a-000001.manifest.json', receivedAt: T0.toISOString(), volumesIngested: 1, volumesTotal: 3 });
    expect(site.bundles()).toHaveLength(1);
    site.close();
  });

  it('records the exporter key that signed a bundle, and learns it for a bundle first recorded without one', async () => {
    const site = await openSite();
    expect(site.upsertBundle(bundle(1, { signer: 'A'.repeat(40) }), T0).signer).toBe('A'.repeat(40));
    expect(site.upsertBundle(bundle(1, { signer: 'B'.repeat(40) }), T1).signer).toBe('A'.repeat(40));
    expect(site.upsertBundle(bundle(2), T0).signer).toBeNull();
    expect(site.upsertBundle(bundle(2, { signer: 'C'.repeat(40) }), T1)).toMatchObject({ signer: 'C'.repeat(40), receivedAt: T0.toISOString() });
    site.close();
  });

  it('publishing supersedes older unpublished bundles of that channel only', async () => {
    const site = await openSite();
    for (const s of [1, 2, 3, 4]) site.upsertBundle(bundle(s), T0);
    site.upsertBundle(bundle(1, { manifestSha256: 'other-1', channel: 'site-b' }), T0);
    site.markBundleComplete('sha-2', T0);
    site.markBundleComplete('sha-3', T0);
    site.markBundlesPublished(['sha-3'], T1);
    const status = Object.fromEntries(site.bundles().map((b) => [b.manifestSha256, b.status]));
    expect(status).toEqual({ 'sha-1': 'superseded', 'sha-2': 'superseded', 'sha-3': 'published', 'sha-4': 'pending', 'other-1': 'pending' });
    expect(site.bundles({ status: 'superseded' }).map((b) => b.sequence)).toEqual([1, 2]);
    expect(site.channel('site-a')?.lastSequence).toBe(3);
    expect(site.channels().map((c) => c.name)).toEqual(['site-a']);
    site.close();
  });

  it('publishes several bundles of one channel in any order; the channel keeps the highest', async () => {
    const site = await openSite();
    for (const s of [1, 2]) {
      site.upsertBundle(bundle(s), T0);
      site.markBundleComplete(`sha-${s}`, T0);
    }
    site.markBundlesPublished(['sha-2', 'sha-1'], T1);
    expect(site.bundles().map((b) => b.status)).toEqual(['published', 'published']);
    expect(site.channel('site-a')?.lastManifestSha256).toBe('sha-2');
    site.markBundlesPublished(['sha-1'], T1); // already published, older: the channel does not go back
    expect(site.channel('site-a')?.lastSequence).toBe(2);
    site.close();
  });

  it('refuses to publish a bundle that is not complete, and changes nothing', async () => {
    const site = await openSite();
    site.upsertBundle(bundle(1), T0);
    site.upsertBundle(bundle(2), T0);
    site.markBundleComplete('sha-1', T0);
    expectCodeSync(() => site.markBundlesPublished(['sha-1', 'sha-2'], T1), 'STATE_ERROR');
    expectCodeSync(() => site.markBundlesPublished(['nope'], T1), 'STATE_ERROR');
    expect(site.bundle('sha-1')?.status).toBe('complete');
    expect(site.channel('site-a')).toBeNull();
    site.close();
  });

  it('rejects unpublished bundles with a reason and refuses the wrong transitions', async () => {
    const site = await openSite();
    site.upsertBundle(bundle(1), T0);
    site.upsertBundle(bundle(2), T0);
    site.markBundleRejected('sha-2', 'reverify failed');
    expect(site.bundle('sha-2')).toMatchObject({ status: 'rejected', reason: 'reverify failed' });
    expectCodeSync(() => site.markBundleComplete('sha-2', T0), 'STATE_ERROR');
    site.markBundleComplete('sha-1', T0);
    site.markBundlesPublished(['sha-1'], T0);
    expectCodeSync(() => site.markBundleRejected('sha-1', 'late'), 'STATE_ERROR');
    expectCodeSync(() => site.markBundleComplete('missing', T0), 'STATE_ERROR');
    expectCodeSync(() => site.markVolumeIngested('sha-1', 9, T0), 'STATE_ERROR');
    expectCodeSync(() => site.markVolumeIngested('missing', 1, T0), 'STATE_ERROR');
    expect(site.bundle('missing')).toBeNull();
    site.close();
  });

  it('stores nothing of a bundle whose volume list is invalid', async () => {
    const site = await openSite();
    const duplicateVolumes = bundle(1, { volumes: [{ number: 1, name: 'a' }, { number: 1, name: 'b' }] });
    expectCodeSync(() => site.upsertBundle(duplicateVolumes, T0), 'STATE_ERROR');
    expect(site.bundle('sha-1')).toBeNull();
    site.close();
  });
});

describe('SiteState vault index and events', () => {
  it('indexes blobs, ignoring duplicates', async () => {
    const site = await openSite();
    expect(site.recordBlob(digest(1), 10)).toBe(true);
    expect(site.recordBlob(digest(1), 10)).toBe(false);
    expect(site.recordBlobs([1, 2, 3].map((n) => ({ digest: digest(n), size: n })))).toBe(2);
    expect(site.hasBlob(digest(3))).toBe(true);
    expect(site.hasBlob(digest(4))).toBe(false);
    expect(site.heldBlobs([digest(4), digest(3), digest(1), digest(5)])).toEqual(new Set([digest(3), digest(1)]));
    expect(site.heldBlobs([])).toEqual(new Set());
    expect(site.blobCount()).toBe(3);
    expect([...site.indexedBlobs()].map((b) => b.digest)).toEqual([digest(1), digest(2), digest(3)]);
    site.close();
  });

  it('keeps an audit log, newest first', async () => {
    const site = await openSite();
    site.logEvent('trust.add', { fingerprint: 'A' }, T0);
    site.logEvent('import', { bundle: 'site-a-000001', volumes: [1, 2] }, T1);
    const events = site.events(10);
    expect(events.map((e) => e.kind)).toEqual(['import', 'trust.add']);
    expect(events[0]).toMatchObject({ at: T1.toISOString(), detail: { bundle: 'site-a-000001', volumes: [1, 2] } });
    expect(site.events(1)).toHaveLength(1);
    site.close();
  });
});
