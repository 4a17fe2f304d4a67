import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@airlock/test-utils';
import { ExportState } from './export-state.js';
import { SiteState } from './site-state.js';

const T0 = new Date('2030-01-01T00:00:00.000Z');
const T1 = new Date('2030-01-02T00:00:00.000Z');
const A = 'A'.repeat(40);
const B = 'B'.repeat(40);
const C = 'C'.repeat(40);

async function openSite(): Promise<SiteState> {
  return SiteState.open(join(await tempDir(), 'home', 'state.db'));
}

const key = (fingerprint: string, status: 'pinned' | 'pending', source = 'apt/ubuntu') => ({
  source,
  fingerprint,
  userIds: [`Key ${fingerprint[0]}`],
  armored: `armored ${fingerprint[0]}`,
  purpose: 'apt archive keyring',
  status,
});

describe('SiteState upstream key pins', () => {
  it('pins, records pending keys, accepts all or one, updates material and removes one or all', async () => {
    const site = await openSite();
    expect(site.addUpstreamKey(key(A, 'pinned'), T0)).toBe(true);
    expect(site.addUpstreamKey(key(A, 'pending'), T1)).toBe(false); // a pin is never demoted by a later offer
    expect(site.addUpstreamKey(key(B, 'pending'), T1)).toBe(true);
    expect(site.addUpstreamKey(key(C, 'pending'), T1)).toBe(true);
    expect(site.addUpstreamKey(key(A, 'pinned', 'rpm/epel'), T0)).toBe(true);
    expect(site.upstreamKeys('apt/ubuntu').map((k) => [k.fingerprint, k.status, k.firstSeen, k.decidedAt])).toEqual([
      [A, 'pinned', T0.toISOString(), T0.toISOString()],
      [B, 'pending', T1.toISOString(), null],
      [C, 'pending', T1.toISOString(), null],
    ]);
    expect(site.acceptUpstreamKeys('apt/ubuntu', T1, C)).toBe(1);
    expect(site.acceptUpstreamKeys('apt/ubuntu', T1, C)).toBe(0);
    expect(site.upstreamKeys('apt/ubuntu').filter((k) => k.status === 'pending').map((k) => k.fingerprint)).toEqual([B]);
    expect(site.acceptUpstreamKeys('apt/ubuntu', T1)).toBe(1);
    expect(site.upstreamKeys('apt/ubuntu').every((k) => k.status === 'pinned')).toBe(true);

    site.replaceUpstreamKeyMaterial('apt/ubuntu', A, 'merged A', ['Key A (renewed)']);
    expect(site.upstreamKeys('apt/ubuntu')[0]).toMatchObject({ fingerprint: A, armored: 'merged A', userIds: ['Key A (renewed)'] });
    expect(site.upstreamKeys('rpm/epel')[0]?.armored).toBe('armored A');

    expect(site.removeUpstreamKeys('apt/ubuntu', B)).toBe(1);
    expect(site.upstreamKeys('apt/ubuntu').map((k) => k.fingerprint)).toEqual([A, C]);
    expect(site.removeUpstreamKeys('apt/ubuntu')).toBe(2);
    expect(site.upstreamKeys('apt/ubuntu')).toEqual([]);
    expect(site.upstreamKeys().map((k) => k.source)).toEqual(['rpm/epel']);
    site.close();
  });

  it('raises upstream date marks and never lowers them', async () => {
    const site = await openSite();
    expect(site.upstreamMark('apt/ubuntu:noble')).toBeNull();
    site.raiseUpstreamMarks([{ key: 'apt/ubuntu:noble', date: '2030-01-05T00:00:00.000Z' }], T0);
    site.raiseUpstreamMarks([{ key: 'apt/ubuntu:noble', date: '2030-01-03T00:00:00.000Z' }], T1);
    expect(site.upstreamMark('apt/ubuntu:noble')).toBe('2030-01-05T00:00:00.000Z');
    site.raiseUpstreamMarks([{ key: 'apt/ubuntu:noble', date: '2030-01-06T00:00:00.000Z' }], T1);
    expect(site.upstreamMark('apt/ubuntu:noble')).toBe('2030-01-06T00:00:00.000Z');
    site.close();
  });

  it('adds, lists and removes trust anchors by kind and id', async () => {
    const site = await openSite();
    const anchor = { kind: 'snap-root', id: 'root-1', description: 'root one', data: 'type: account-key' };
    expect(site.addTrustAnchor(anchor, T0)).toBe('added');
    expect(site.addTrustAnchor({ ...anchor, description: 'other' }, T1)).toBe('present');
    expect(site.addTrustAnchor({ ...anchor, kind: 'other-kind', id: 'x' }, T1)).toBe('added');
    expect(site.trustAnchors('snap-root')).toEqual([{ ...anchor, addedAt: T0.toISOString() }]);
    expect(site.trustAnchors().map((a) => a.kind)).toEqual(['other-kind', 'snap-root']);
    expect(site.removeTrustAnchor('root-1')).toBe(true);
    expect(site.removeTrustAnchor('root-1')).toBe(false);
    expect(site.trustAnchors('snap-root')).toEqual([]);
    site.close();
  });
});

describe('SiteState channel signers', () => {
  it('binds a channel to its first signer once, adds operator keys, and replaces the set on rotation', async () => {
    const site = await openSite();
    expect(site.bindChannelOnFirstUse('site-a', A, T0)).toEqual([{ channel: 'site-a', fingerprint: A, origin: 'first-use', boundAt: T0.toISOString() }]);
    // Another key arriving later does not get bound: the first binding stands.
    expect(site.bindChannelOnFirstUse('site-a', B, T1).map((r) => r.fingerprint)).toEqual([A]);
    site.addChannelSigners('site-b', [B, C], T0);
    expect(site.bindChannelOnFirstUse('site-b', A, T1).map((r) => [r.fingerprint, r.origin])).toEqual([[B, 'operator'], [C, 'operator']]);
    site.replaceChannelSigners('site-a', [C], T1);
    expect(site.channelSigners('site-a')).toEqual([{ channel: 'site-a', fingerprint: C, origin: 'operator', boundAt: T1.toISOString() }]);
    expect(site.channelSigners().map((r) => `${r.channel}:${r.fingerprint[0]}`)).toEqual(['site-a:C', 'site-b:B', 'site-b:C']);
    site.close();
  });

  it('stores merged material for a trusted key', async () => {
    const site = await openSite();
    site.addTrustedKey({ fingerprint: A, userIds: ['old'], armored: 'old material' }, T0);
    expect(site.replaceTrustedKeyMaterial(A, 'merged material', ['new'])).toBe(true);
    expect(site.replaceTrustedKeyMaterial(B, 'x', [])).toBe(false);
    expect(site.trustedKeys()).toEqual([{ fingerprint: A, userIds: ['new'], armored: 'merged material', addedAt: T0.toISOString() }]);
    site.close();
  });
});

describe('ExportState pinned site keys', () => {
  it('pins a site key per channel, keeps the pin date on a material update and resets it on a new key', async () => {
    const state = ExportState.open(join(await tempDir(), 'export.db'));
    expect(state.pinnedSiteKey('site-a')).toBeNull();
    state.pinSiteKey('site-a', { fingerprint: A, armored: 'a1' }, T0);
    state.pinSiteKey('site-a', { fingerprint: A, armored: 'a2' }, T1);
    expect(state.pinnedSiteKey('site-a')).toEqual({ fingerprint: A, armored: 'a2', pinnedAt: T0.toISOString() });
    state.pinSiteKey('site-a', { fingerprint: B, armored: 'b' }, T1);
    expect(state.pinnedSiteKey('site-a')).toEqual({ fingerprint: B, armored: 'b', pinnedAt: T1.toISOString() });
    expect(state.pinnedSiteKey('site-b')).toBeNull();
    state.close();
  });
});
