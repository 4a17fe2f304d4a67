import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { silentProgress } from '@airlock/core';
import { SiteState } from '@airlock/state';
import { expectCode, tempDir } from '@airlock/test-utils';
import { fakeSite } from '../__tests__/fake-site.js';
import { verifyBundle } from '../verify.js';
import { trustChannel, trustChannels } from './trust-channels.js';

const spec = (date = '2030-01-01T00:00:00Z') => ({ date, keys: [] });

function channelState(home: string) {
  const state = SiteState.open(join(home, 'state.db'));
  try {
    return { sequence: state.channel('fake-channel')?.lastSequence ?? 0, bundles: state.bundles().map((b) => b.id), signers: state.channelSigners('fake-channel') };
  } finally {
    state.close();
  }
}

describe('channels are bound to their signer', () => {
  it('regression: another trusted exporter key can neither take over a channel nor burn its sequence (CHANNEL_SIGNER_MISMATCH)', async () => {
    const f = await fakeSite(await tempDir());
    const a = await f.exporter('a');
    const b = await f.exporter('b');
    await f.trust(a);
    await f.trust(b);
    expect((await f.import((await a.export(spec())).dir)).status).toBe('published');
    expect(channelState(f.site.root).signers).toEqual([expect.objectContaining({ fingerprint: a.fingerprint, origin: 'first-use' })]);

    await b.export(spec());
    const takeover = await b.export(spec()); // sequence 2: without the binding it would publish and burn A's sequence 2
    const refused = await expectCode(f.import(takeover.dir), 'CHANNEL_SIGNER_MISMATCH');
    expect(refused.details).toMatchObject({ channel: 'fake-channel', signer: b.fingerprint, bound: [a.fingerprint] });
    expect(refused.message).toContain(`airlock trust channel fake-channel --key ${b.fingerprint}`);
    const after = channelState(f.site.root);
    expect(after.sequence).toBe(1);
    expect(after.bundles).toEqual(['fake-channel-000001']); // nothing of B's bundle was recorded
    await expectCode(verifyBundle({ bundle: takeover.dir, home: f.site, progress: silentProgress }), 'CHANNEL_SIGNER_MISMATCH');

    const next = await a.export(spec('2030-01-02T00:00:00Z'));
    expect(next.sequence).toBe(2);
    expect((await f.import(next.dir)).status).toBe('published');
  });

  it('trust channel rotates the binding: the new key imports, the old one is refused', async () => {
    const f = await fakeSite(await tempDir());
    const a = await f.exporter('a');
    const b = await f.exporter('b');
    await f.trust(a);
    await f.import((await a.export(spec())).dir);
    await expectCode(async () => trustChannel(f.site, 'fake-channel', [b.fingerprint]), 'TRUST_UNKNOWN_KEY');
    await f.trust(b);
    await b.export(spec());
    const fromB = await b.export(spec());
    expect(trustChannel(f.site, 'fake-channel', [b.fingerprint.toLowerCase()]).signers).toEqual([
      expect.objectContaining({ fingerprint: b.fingerprint, origin: 'operator', trusted: true }),
    ]);
    expect((await verifyBundle({ bundle: fromB.dir, home: f.site, progress: silentProgress })).channelBinding).toBe('bound');
    expect((await f.import(fromB.dir)).status).toBe('published');
    await expectCode(f.import((await a.export(spec())).dir), 'CHANNEL_SIGNER_MISMATCH');
    expect(trustChannels(f.site)).toEqual([expect.objectContaining({ channel: 'fake-channel', lastSequence: 2, signers: [expect.objectContaining({ fingerprint: b.fingerprint })] })]);
  });

  it('trust add --channel binds a channel to the named key before its first bundle arrives', async () => {
    const f = await fakeSite(await tempDir());
    const a = await f.exporter('a');
    const b = await f.exporter('b');
    await f.trust(a);
    expect((await f.trust(b, ['fake-channel'])).channels).toEqual(['fake-channel']);
    const fromA = await a.export(spec());
    await expectCode(f.import(fromA.dir), 'CHANNEL_SIGNER_MISMATCH');
    expect((await f.import((await b.export(spec())).dir)).status).toBe('published');
    await expectCode(f.trust(a, ['../evil']), 'USAGE');
  });

  it('verify reports a new channel as first-use and checks nothing against the site with --trust files', async () => {
    const f = await fakeSite(await tempDir());
    const a = await f.exporter('a');
    await f.trust(a);
    const bundle = await a.export(spec());
    expect((await verifyBundle({ bundle: bundle.dir, home: f.site, progress: silentProgress })).channelBinding).toBe('first-use');
    expect(channelState(f.site.root).signers).toEqual([]); // verify has no side effects
    expect((await verifyBundle({ bundle: bundle.dir, trustFiles: [a.publicKey], progress: silentProgress })).channelBinding).toBe('not-checked');
  });

  it('a channel published before bindings were recorded belongs to the signer of its last published bundle', async () => {
    const f = await fakeSite(await tempDir());
    const a = await f.exporter('a');
    const b = await f.exporter('b');
    await f.trust(a);
    await f.trust(b);
    await f.import((await a.export(spec())).dir);
    const db = new Database(join(f.site.root, 'state.db'));
    db.prepare('DELETE FROM channel_signers').run(); // as on a site that predates the bindings
    db.close();
    await b.export(spec());
    await expectCode(f.import((await b.export(spec())).dir), 'CHANNEL_SIGNER_MISMATCH');
    expect(channelState(f.site.root).signers).toEqual([expect.objectContaining({ fingerprint: a.fingerprint, origin: 'first-use' })]);
    expect((await f.import((await a.export(spec())).dir)).status).toBe('published');
  });
});
