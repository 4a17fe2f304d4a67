import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createGpgHome, requireTools, tempDir } from '@airlock/test-utils';
import { airlock, airlockJson } from './support/cli.js';
import { makeScenario, type Scenario } from './support/scenario.js';

interface ChannelsJson {
  channels: Array<{ channel: string; lastSequence: number | null; signers: Array<{ fingerprint: string; origin: string; trusted: boolean }> }>;
}

/** A second exporter on the same channel: its own key (from airlock key generate), config and export home. */
async function secondExporter(s: Scenario): Promise<{ config: string; fingerprint: string; publicKey: string; exportTo(n: number): Promise<number | null> }> {
  const key = await airlockJson<{ fingerprint: string; publicKey: string; privateKey: string }>(['key', 'generate', '--name', 'exporter-b', '--out', join(s.root, 'keys-b')]);
  expect(key.result.code, key.result.stderr).toBe(0);
  const config = join(s.root, 'airlock-b.yaml');
  await writeFile(config, (await readFile(s.config, 'utf8')).replace('keys/exporter.key', key.json.privateKey));
  return {
    config,
    fingerprint: key.json.fingerprint,
    publicKey: key.json.publicKey,
    exportTo: async (n) => (await airlock(['--home', join(s.root, 'export-b'), 'export', '-c', config, '-o', s.bundle(n)])).code,
  };
}

describe('channel bindings from the command line', () => {
  it('regression: a second trusted exporter key is refused on a channel it does not own (exit 3), until trust channel rebinds it', async () => {
    const s = await makeScenario(await tempDir(), { bigMiB: 1 });
    const site = ['--home', s.siteHome];
    const b = await secondExporter(s);
    expect((await airlock(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(1)])).code).toBe(0);
    expect((await airlock([...site, 'trust', 'add', s.exporterPublicKey])).code).toBe(0);
    expect((await airlock([...site, 'trust', 'add', b.publicKey])).code).toBe(0);
    const verified = await airlockJson<{ channelBinding: string }>([...site, 'verify', s.bundle(1)]);
    expect(verified.json.channelBinding).toBe('first-use');
    const first = await airlock([...site, 'import', s.bundle(1)]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(`channel test-site is now bound to exporter key ${s.exporterFingerprint}`);

    expect(await b.exportTo(2)).toBe(0);
    expect(await b.exportTo(3)).toBe(0); // sequence 2: without the binding it would take the channel over
    const verifyRefused = await airlockJson<{ error: { code: string } }>([...site, 'verify', s.bundle(3)]);
    expect(verifyRefused.result.code).toBe(3);
    expect(verifyRefused.json.error.code).toBe('CHANNEL_SIGNER_MISMATCH');
    const refused = await airlockJson<{ error: { code: string } }>([...site, 'import', s.bundle(3)]);
    expect(refused.result.code).toBe(3);
    expect(refused.json.error.code).toBe('CHANNEL_SIGNER_MISMATCH');

    const listed = await airlockJson<ChannelsJson>([...site, 'trust', 'channels']);
    expect(listed.json.channels).toEqual([{ channel: 'test-site', lastSequence: 1, signers: [expect.objectContaining({ fingerprint: s.exporterFingerprint, origin: 'first-use', trusted: true })] }]);
    expect((await airlock([...site, 'trust', 'channels'])).stdout).toContain(`${s.exporterFingerprint}  first-use since`);

    const rebound = await airlockJson<ChannelsJson['channels'][number]>([...site, 'trust', 'channel', 'test-site', '--key', b.fingerprint]);
    expect(rebound.result.code, rebound.result.stderr).toBe(0);
    expect(rebound.json.signers).toEqual([expect.objectContaining({ fingerprint: b.fingerprint, origin: 'operator' })]);
    const rotated = await airlock([...site, 'import', s.bundle(3)]);
    expect(rotated.code, rotated.stderr).toBe(0);

    const untrusted = await airlockJson<{ error: { code: string } }>([...site, 'trust', 'channel', 'test-site', '--key', 'AB'.repeat(20)]);
    expect(untrusted.json.error.code).toBe('TRUST_UNKNOWN_KEY');
    expect((await airlock([...site, 'trust', 'channel', 'test-site'])).code).toBe(2);

    // Removing a key leaves its channels bound to it: no other key takes them over by default.
    expect((await airlock([...site, 'trust', 'remove', b.fingerprint])).code).toBe(0);
    expect((await airlockJson<{ error: { code: string } }>([...site, 'trust', 'remove', b.fingerprint])).json.error.code).toBe('TRUST_UNKNOWN_KEY');
    const orphaned = await airlockJson<ChannelsJson>([...site, 'trust', 'channels']);
    expect(orphaned.json.channels[0]?.signers).toEqual([expect.objectContaining({ fingerprint: b.fingerprint, trusted: false })]);
  });

  it('trust add --channel binds a new channel to the named key before any bundle arrives', async () => {
    const s = await makeScenario(await tempDir(), { bigMiB: 1 });
    const site = ['--home', s.siteHome];
    const b = await secondExporter(s);
    await airlock([...site, 'trust', 'add', s.exporterPublicKey]);
    const added = await airlockJson<{ keys: Array<{ fingerprint: string }>; channels: string[] }>([...site, 'trust', 'add', b.publicKey, '--channel', 'test-site']);
    expect(added.json).toMatchObject({ keys: [{ fingerprint: b.fingerprint }], channels: ['test-site'] });
    expect((await airlock(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(1)])).code).toBe(0);
    const refused = await airlockJson<{ error: { code: string } }>([...site, 'import', s.bundle(1)]);
    expect(refused.json.error.code).toBe('CHANNEL_SIGNER_MISMATCH');
    expect(await b.exportTo(2)).toBe(0);
    const imported = await airlock([...site, 'import', s.bundle(2)]);
    expect(imported.code, imported.stderr).toBe(0);
  });
});

describe.skipIf(!requireTools('gpg'))('a revoked exporter key (real gpg)', () => {
  it('regression: trust add of the revoked key takes effect, and its bundles are refused (exit 3, SIGNER_UNTRUSTED)', async () => {
    const s = await makeScenario(await tempDir(), { bigMiB: 1 });
    const site = ['--home', s.siteHome];
    const gpg = await createGpgHome();
    onTestFinished(() => gpg.remove());
    gpg.gpgOk(['--passphrase', '', '--quick-gen-key', 'GnuPG Exporter <exporter@example.org>', 'ed25519', 'sign', 'never']);
    const fingerprint = gpg.fingerprint('exporter@example.org');
    const publicKey = join(s.root, 'gpg-exporter.asc');
    gpg.gpgOk(['--yes', '--armor', '--output', join(s.root, 'keys', 'exporter.key'), '--export-secret-keys', fingerprint]);
    gpg.gpgOk(['--yes', '--armor', '--output', publicKey, '--export', fingerprint]);
    expect((await airlock(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(1)])).code).toBe(0);
    expect((await airlock(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(2)])).code).toBe(0);
    expect((await airlock([...site, 'trust', 'add', publicKey])).code).toBe(0);
    expect((await airlock([...site, 'import', s.bundle(1)])).code).toBe(0);

    const revocations = join(gpg.dir, 'openpgp-revocs.d');
    const certificate = join(revocations, (await readdir(revocations)).find((n) => n.startsWith(fingerprint)) ?? '');
    await writeFile(join(s.root, 'revoke.asc'), (await readFile(certificate, 'utf8')).replace(/^:-----BEGIN/m, '-----BEGIN'));
    gpg.gpgOk(['--import', join(s.root, 'revoke.asc')]);
    gpg.gpgOk(['--yes', '--armor', '--output', publicKey, '--export', fingerprint]);
    const updated = await airlockJson<{ keys: Array<{ status: string; validity: string }> }>([...site, 'trust', 'add', publicKey]);
    expect(updated.json.keys).toEqual([expect.objectContaining({ status: 'updated', validity: 'revoked' })]);
    expect((await airlock([...site, 'trust', 'list'])).stdout).toContain('REVOKED');
    const refused = await airlockJson<{ error: { code: string } }>([...site, 'import', s.bundle(2)]);
    expect(refused.result.code).toBe(3);
    expect(refused.json.error.code).toBe('SIGNER_UNTRUSTED');
  });
});
