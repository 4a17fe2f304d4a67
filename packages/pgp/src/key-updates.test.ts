import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCode, requireTools } from '@airlock/test-utils';
import { createGpgHome, type GpgHome } from '@airlock/test-utils';
import { keyValidity, Keyring, mergeKeyUpdate, readPublicKeys } from './index.js';

const DAY = 24 * 3600 * 1000;
const text = 'Origin: Upstream\nSuite: noble\n';

/**
 * Key updates as real gpg makes them (expiry changes, revocation certificates, third-party
 * certifications), and signatures judged by the key's validity now, not at signing time.
 */
describe.skipIf(!requireTools('gpg'))('key updates and key validity at verification time (real gpg)', () => {
  let home: GpgHome;

  beforeAll(async () => {
    home = await createGpgHome();
  });
  afterAll(async () => {
    await home?.remove();
  });

  function newKey(userId: string, expiry: string, fakedTime?: string): string {
    home.gpgOk([...(fakedTime ? ['--faked-system-time', `${fakedTime}!`] : []), '--passphrase', '', '--quick-gen-key', userId, 'ed25519', 'sign', expiry]);
    return home.fingerprint(userId);
  }
  async function exported(fingerprint: string, name: string): Promise<Buffer> {
    const file = join(home.dir, name);
    home.gpgOk(['--yes', '--output', file, '--export', fingerprint]);
    return readFile(file);
  }
  async function detachSign(fingerprint: string, name: string, fakedTime?: string): Promise<Buffer> {
    const data = join(home.dir, name);
    await writeFile(data, text);
    home.gpgOk([...(fakedTime ? ['--faked-system-time', `${fakedTime}!`] : []), '--yes', '-u', fingerprint, '--detach-sign', data]);
    return readFile(`${data}.sig`);
  }
  /** gpg writes a revocation certificate for every key it generates; the colon guards against accidental import. */
  async function importRevocation(fingerprint: string): Promise<void> {
    const dir = join(home.dir, 'openpgp-revocs.d');
    const name = (await readdir(dir)).find((n) => n.startsWith(fingerprint));
    const certificate = (await readFile(join(dir, name ?? ''), 'utf8')).replace(/^:-----BEGIN/m, '-----BEGIN');
    await writeFile(join(home.dir, 'revoke.asc'), certificate);
    home.gpgOk(['--import', join(home.dir, 'revoke.asc')]);
  }

  it('regression: a signature by a key that has expired by now does not verify, though the key was valid when it signed', async () => {
    const fingerprint = newKey('Expired <expired@example.org>', '1y', '20200101T000000');
    const signature = await detachSign(fingerprint, 'expired-data', '20200601T000000');
    const keyring = await Keyring.fromKeys([await exported(fingerprint, 'expired.gpg')]);
    const refused = await expectCode(keyring.verifyDetached(text, signature), 'SIGNER_UNTRUSTED');
    expect(refused.details?.unusable).toEqual([{ fingerprint, reason: expect.stringMatching(/^expired at 2020-12-31/) }]);
    expect(await keyValidity(await exported(fingerprint, 'expired.gpg'))).toEqual([{ fingerprint, state: 'expired', expires: expect.any(Date) }]);
    // The signature itself is sound: judged at a time the key was valid, it verifies.
    expect((await keyring.verifyDetached(text, signature, { now: new Date('2020-07-01T00:00:00Z') })).fingerprint).toBe(fingerprint);
  });

  it('merges a gpg expiry extension, so the key verifies again after its old expiry', async () => {
    const fingerprint = newKey('Extended <extended@example.org>', '1y');
    const signature = await detachSign(fingerprint, 'extended-data');
    const before = await exported(fingerprint, 'extended-old.gpg');
    home.gpgOk(['--quick-set-expire', fingerprint, '3y']);
    const after = await exported(fingerprint, 'extended-new.gpg');
    const inTwoYears = { now: new Date(Date.now() + 2 * 365 * DAY) };
    await expectCode((await Keyring.fromKeys([before])).verifyDetached(text, signature, inTwoYears), 'SIGNER_UNTRUSTED');
    const merged = await mergeKeyUpdate(before, after);
    expect(merged.fingerprint).toBe(fingerprint);
    expect((await (await Keyring.fromKeys([merged.binary])).verifyDetached(text, signature, inTwoYears)).fingerprint).toBe(fingerprint);
  });

  it('merging a gpg revocation makes the pinned key refuse signatures it made before', async () => {
    const fingerprint = newKey('Revoked <revoked@example.org>', 'never');
    const signature = await detachSign(fingerprint, 'revoked-data');
    const pinned = await exported(fingerprint, 'revoked-old.gpg');
    expect((await (await Keyring.fromKeys([pinned])).verifyDetached(text, signature)).fingerprint).toBe(fingerprint);
    await importRevocation(fingerprint);
    const merged = await mergeKeyUpdate(pinned, await exported(fingerprint, 'revoked-new.gpg'));
    const refused = await expectCode((await Keyring.fromKeys([merged.binary])).verifyDetached(text, signature), 'SIGNER_UNTRUSTED');
    expect(refused.details?.unusable).toEqual([{ fingerprint, reason: 'was revoked' }]);
    expect((await keyValidity(pinned))[0]?.state).toBe('valid');
    expect((await keyValidity(merged.armored))[0]?.state).toBe('revoked');
  });

  it('regression: a key update merges only what the primary key signed, not a third-party certification or a forged revocation', async () => {
    const fingerprint = newKey('Victim <victim@example.org>', 'never');
    const stranger = newKey('Stranger <stranger@example.org>', 'never');
    const pinned = await exported(fingerprint, 'victim-old.gpg');
    const [unchanged] = await readPublicKeys(pinned);

    home.gpgOk(['-u', stranger, '--quick-sign-key', fingerprint]);
    const certified = await exported(fingerprint, 'victim-certified.gpg');
    expect(certified.length).toBeGreaterThan(pinned.length);
    expect(Buffer.from((await mergeKeyUpdate(pinned, certified)).binary).equals(Buffer.from(unchanged!.binary))).toBe(true);

    // The victim's own revocation certificate with its signature value altered: its issuer is right, its maths is not.
    const dir = join(home.dir, 'openpgp-revocs.d');
    const name = (await readdir(dir)).find((n) => n.startsWith(fingerprint)) ?? '';
    await writeFile(join(home.dir, 'victim.rev'), (await readFile(join(dir, name), 'utf8')).replace(/^:-----BEGIN/m, '-----BEGIN'));
    home.gpgOk(['--yes', '--output', join(home.dir, 'victim.rev.bin'), '--dearmor', join(home.dir, 'victim.rev')]);
    const revocation = await readFile(join(home.dir, 'victim.rev.bin'));
    revocation[revocation.length - 3] = (revocation[revocation.length - 3] ?? 0) ^ 0xff;
    const forged = await mergeKeyUpdate(pinned, Buffer.concat([pinned, revocation]));
    expect(Buffer.from(forged.binary).equals(Buffer.from(unchanged!.binary))).toBe(true);
    const signature = await detachSign(fingerprint, 'victim-data');
    expect((await (await Keyring.fromKeys([forged.binary])).verifyDetached(text, signature)).fingerprint).toBe(fingerprint);
  });

  it('refuses an update that holds another key (KEY_INVALID)', async () => {
    const one = newKey('One <one@example.org>', 'never');
    const two = newKey('Two <two@example.org>', 'never');
    await expectCode(mergeKeyUpdate(await exported(one, 'one.gpg'), await exported(two, 'two.gpg')), 'KEY_INVALID');
  });

  it('a document signed by an expired key and a valid key still verifies, by the valid one (as apt does)', async () => {
    const old = newKey('Old Archive <old@example.org>', '1y', '20200101T000000');
    const current = newKey('New Archive <new@example.org>', 'never', '20190101T000000');
    const data = join(home.dir, 'two-signers');
    await writeFile(data, text);
    home.gpgOk(['--faked-system-time', '20200601T000000!', '--yes', '-u', old, '-u', current, '--clearsign', data]);
    const keyring = await Keyring.fromKeys([await exported(old, 'old.gpg'), await exported(current, 'new.gpg')]);
    const result = await keyring.verifyClearsigned(await readFile(`${data}.asc`, 'utf8'));
    expect(result.fingerprint).toBe(current);
  });
});
