import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentProgress, type Progress } from '@airlock/core';
import { keyValidity, readPublicKeys } from '@airlock/pgp';
import { SiteState } from '@airlock/state';
import { createGpgHome, expectCode, expectCodeSync, requireTools, tempDir, type GpgHome } from '@airlock/test-utils';
import { sourceUpstreamTrust } from './upstream-trust.js';

const SOURCE = 'apt/ubuntu';

function recordingProgress(): Progress & { warnings: string[] } {
  const warnings: string[] = [];
  return { ...silentProgress, warn: (m) => warnings.push(m), warnings };
}

async function openSite(): Promise<SiteState> {
  return SiteState.open(join(await tempDir(), 'state.db'));
}

const fingerprints = async (keys: Uint8Array[]): Promise<string[]> => (await Promise.all(keys.map(readPublicKeys))).flat().map((k) => k.fingerprint).sort();

describe.skipIf(!requireTools('gpg'))('site-pinned upstream keys (sourceUpstreamTrust, real gpg keys)', () => {
  let gpg: GpgHome;
  let archive: string;
  let rotated: string;

  beforeAll(async () => {
    gpg = await createGpgHome();
    gpg.gpgOk(['--passphrase', '', '--quick-gen-key', 'Archive <archive@example.org>', 'ed25519', 'sign', '1y']);
    gpg.gpgOk(['--passphrase', '', '--quick-gen-key', 'Rotated <rotated@example.org>', 'ed25519', 'sign', 'never']);
    archive = gpg.fingerprint('archive@example.org');
    rotated = gpg.fingerprint('rotated@example.org');
  });
  afterAll(async () => {
    await gpg?.remove();
  });

  async function exported(fingerprint: string): Promise<Buffer> {
    const file = join(gpg.dir, `${fingerprint}.gpg`);
    gpg.gpgOk(['--yes', '--output', file, '--export', fingerprint]);
    return readFile(file);
  }

  it('pins what the first import offers and warns the operator with the fingerprint', async () => {
    const state = await openSite();
    const progress = recordingProgress();
    const keys = await sourceUpstreamTrust(state, SOURCE, progress).openpgpKeys([await exported(archive)], 'the archive keyring');
    expect(await fingerprints(keys)).toEqual([archive]);
    expect(state.upstreamKeys(SOURCE)).toEqual([expect.objectContaining({ fingerprint: archive, status: 'pinned', purpose: 'the archive keyring' })]);
    expect(progress.warnings).toEqual([expect.stringContaining(`pinned upstream key ${archive}`)]);
    expect(state.events().map((e) => e.kind)).toContain('upstream-key-pinned');
    state.close();
  });

  it('refuses a key the site has not pinned (UPSTREAM_KEY_CHANGED), records it pending, and uses it once accepted', async () => {
    const state = await openSite();
    await sourceUpstreamTrust(state, SOURCE, silentProgress).openpgpKeys([await exported(archive)], 'keyring');
    const refused = await expectCode(sourceUpstreamTrust(state, SOURCE, silentProgress).openpgpKeys([await exported(rotated)], 'keyring'), 'UPSTREAM_KEY_CHANGED');
    expect(refused.message).toContain(`airlock trust upstream accept ${SOURCE}`);
    expect(refused.details).toMatchObject({ unpinned: [rotated], pinned: [archive] });
    expect(state.upstreamKeys(SOURCE).map((k) => [k.fingerprint, k.status])).toEqual([[archive, 'pinned'], [rotated, 'pending']]);
    // Offering nothing new still refuses while the key is pending, and other sources are not affected.
    await expectCode(sourceUpstreamTrust(state, SOURCE, silentProgress).openpgpKeys([await exported(rotated)], 'keyring'), 'UPSTREAM_KEY_CHANGED');
    expect(await fingerprints(await sourceUpstreamTrust(state, 'apt/other', silentProgress).openpgpKeys([await exported(rotated)], 'keyring'))).toEqual([rotated]);

    expect(state.acceptUpstreamKeys(SOURCE)).toBe(1);
    const keys = await sourceUpstreamTrust(state, SOURCE, silentProgress).openpgpKeys([await exported(rotated)], 'keyring');
    expect(await fingerprints(keys)).toEqual([archive, rotated].sort());
    state.close();
  });

  it('returns the pinned keys, never the catalog\'s, when a catalog offers nothing', async () => {
    const state = await openSite();
    await sourceUpstreamTrust(state, SOURCE, silentProgress).openpgpKeys([await exported(archive)], 'keyring');
    expect(await fingerprints(await sourceUpstreamTrust(state, SOURCE, silentProgress).openpgpKeys([], 'keyring'))).toEqual([archive]);
    // A source never pinned and offered nothing pins nothing.
    expect(await sourceUpstreamTrust(state, 'rpm/unsigned', silentProgress).openpgpKeys([], 'keyring')).toEqual([]);
    expect(state.upstreamKeys('rpm/unsigned')).toEqual([]);
    state.close();
  });

  it('merges a self-signed expiry extension and a revocation of a pinned key into the pin', async () => {
    const state = await openSite();
    gpg.gpgOk(['--passphrase', '', '--quick-gen-key', 'Merged <merged@example.org>', 'ed25519', 'sign', '1y']);
    const merged = gpg.fingerprint('merged@example.org');
    await sourceUpstreamTrust(state, SOURCE, silentProgress).openpgpKeys([await exported(merged)], 'keyring');
    const expiry = async () => (await keyValidity(state.upstreamKeys(SOURCE)[0]!.armored))[0];
    const oneYear = (await expiry())?.expires?.getTime() ?? 0;

    gpg.gpgOk(['--quick-set-expire', merged, '3y']);
    const extended = await sourceUpstreamTrust(state, SOURCE, silentProgress).openpgpKeys([await exported(merged)], 'keyring');
    expect((await expiry())?.expires?.getTime()).toBeGreaterThan(oneYear + 300 * 24 * 3600 * 1000);
    expect((await keyValidity(extended[0]!))[0]?.expires?.getTime()).toBe((await expiry())?.expires?.getTime());

    const beforeRevocation = await exported(merged);
    const revocations = join(gpg.dir, 'openpgp-revocs.d');
    const certificate = (await readFile(join(revocations, (await readdir(revocations)).find((n) => n.startsWith(merged)) ?? ''), 'utf8')).replace(/^:-----BEGIN/m, '-----BEGIN');
    await writeFile(join(gpg.dir, 'merged.rev'), certificate);
    gpg.gpgOk(['--import', join(gpg.dir, 'merged.rev')]);
    const revoked = await sourceUpstreamTrust(state, SOURCE, silentProgress).openpgpKeys([await exported(merged)], 'keyring');
    expect((await keyValidity(revoked[0]!))[0]?.state).toBe('revoked');
    expect((await expiry())?.state).toBe('revoked');
    // The revocation stays in the pin even when a later catalog offers the old, unrevoked key.
    const again = await sourceUpstreamTrust(state, SOURCE, silentProgress).openpgpKeys([beforeRevocation], 'keyring');
    expect((await keyValidity(again[0]!))[0]?.state).toBe('revoked');
    state.close();
  });

  it('marks refuse an older signed date (UPSTREAM_REPLAY), pass an equal one, and are recorded only on commit', async () => {
    const state = await openSite();
    const first = sourceUpstreamTrust(state, SOURCE, silentProgress);
    first.notOlderThanSeen('noble', new Date('2030-01-05T00:00:00Z'), 'noble Release');
    first.notOlderThanSeen('noble', new Date('2030-01-03T00:00:00Z'), 'noble Release'); // not committed yet: nothing to compare with
    expect(state.upstreamMark(`${SOURCE}:noble`)).toBeNull();
    first.commit();
    expect(state.upstreamMark(`${SOURCE}:noble`)).toBe('2030-01-05T00:00:00.000Z');

    const second = sourceUpstreamTrust(state, SOURCE, silentProgress);
    const replay = expectCodeSync(() => second.notOlderThanSeen('noble', new Date('2030-01-04T00:00:00Z'), 'noble Release'), 'UPSTREAM_REPLAY');
    expect(replay.details).toMatchObject({ source: SOURCE, key: 'noble', seen: '2030-01-05T00:00:00.000Z' });
    second.notOlderThanSeen('noble', new Date('2030-01-05T00:00:00Z'), 'noble Release');
    second.notOlderThanSeen('jammy', new Date('2020-01-01T00:00:00Z'), 'jammy Release');
    expectCodeSync(() => second.notOlderThanSeen('noble', new Date('not a date'), 'noble Release'), 'UPSTREAM_INVALID');
    // Marks are per source.
    sourceUpstreamTrust(state, 'apt/other', silentProgress).notOlderThanSeen('noble', new Date('2000-01-01T00:00:00Z'), 'noble Release');
    state.close();
  });
});
