import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCode, requireTools } from '@airlock/test-utils';
import { createGpgHome, type GpgHome } from '@airlock/test-utils';
import { Keyring, loadSigner, readPublicKeys } from './index.js';

const KEYS = [
  { label: 'ed25519', userId: 'Test <t@example.org>', algo: 'ed25519' },
  { label: 'rsa3072', userId: 'Rsa Test <rsa@example.org>', algo: 'rsa3072' },
] as const;

const text = 'Origin: Upstream\nSuite: noble\n- dash line\n\ntrailing section\n';

describe.skipIf(!requireTools('gpg'))('keys and signatures made by gpg', () => {
  // One home for the file: RSA key generation is the slow part, so each key is made once.
  let home: GpgHome;
  const fingerprints = new Map<string, string>();

  beforeAll(async () => {
    home = await createGpgHome();
    for (const key of KEYS) {
      home.gpgOk(['--passphrase', '', '--quick-gen-key', key.userId, key.algo, 'sign', 'never']);
      fingerprints.set(key.label, home.fingerprint(key.userId));
    }
  });
  afterAll(async () => {
    await home?.remove();
  });

  async function exported(userId: string, armor: boolean): Promise<Buffer> {
    const file = join(home.dir, `export-${armor ? 'asc' : 'gpg'}`);
    home.gpgOk(['--yes', '--output', file, ...(armor ? ['--armor'] : []), '--export', userId]);
    return readFile(file);
  }

  for (const key of KEYS) {
    describe(key.label, () => {
      it('reads the armored and binary export with gpg\'s fingerprint and user ID', async () => {
        const fingerprint = fingerprints.get(key.label);
        for (const armor of [true, false]) {
          const data = await exported(key.userId, armor);
          const infos = await readPublicKeys(armor ? data.toString('utf8') : data);
          expect(infos.map((i) => i.fingerprint)).toEqual([fingerprint]);
          expect(infos[0]?.userIds).toEqual([key.userId]);
        }
      });

      it('verifies gpg detached signatures (binary, armored, text mode) and refuses tampered data', async () => {
        const keyring = await Keyring.fromKeys([await exported(key.userId, false)]);
        const data = join(home.dir, `data-${key.label}`);
        await writeFile(data, text);
        const variants = [['--detach-sign'], ['--armor', '--detach-sign'], ['--textmode', '--detach-sign']];
        for (const [i, flags] of variants.entries()) {
          const sig = `${data}.${i}`;
          home.gpgOk(['--yes', '-u', key.userId, '--output', sig, ...flags, data]);
          const result = await keyring.verifyDetached(await readFile(data), await readFile(sig));
          expect(result.fingerprint).toBe(fingerprints.get(key.label));
          await expectCode(keyring.verifyDetached(text.replace('noble', 'nobel'), await readFile(sig)), 'SIGNATURE_INVALID');
        }
      });

      it('verifies a gpg clearsigned document and returns its body', async () => {
        const keyring = await Keyring.fromKeys([(await exported(key.userId, true)).toString('utf8')]);
        const data = join(home.dir, `clear-${key.label}`);
        await writeFile(data, text);
        home.gpgOk(['--yes', '-u', key.userId, '--output', `${data}.asc`, '--clearsign', data]);
        const result = await keyring.verifyClearsigned(await readFile(`${data}.asc`, 'utf8'));
        expect(result.fingerprint).toBe(fingerprints.get(key.label));
        expect(result.body).toBe(text);
      });
    });
  }

  it('reports the primary fingerprint for a signature by a gpg signing subkey', async () => {
    const primary = fingerprints.get('ed25519') ?? '';
    home.gpgOk(['--passphrase', '', '--quick-add-key', primary, 'ed25519', 'sign', 'never']);
    const listing = home.gpgOk(['--with-colons', '--fingerprint', primary]).stdout;
    const subkey = [...listing.matchAll(/^fpr:(?:[^:]*:){8}([0-9A-F]{40}):/gm)].map((m) => m[1]).find((fpr) => fpr !== primary);
    expect(subkey).toMatch(/^[0-9A-F]{40}$/);
    const data = join(home.dir, 'subkey-data');
    await writeFile(data, text);
    home.gpgOk(['--yes', '-u', `${subkey}!`, '--output', `${data}.sig`, '--detach-sign', data]);
    const both = await exported(primary, false);
    expect((await readPublicKeys(both)).map((k) => k.fingerprint)).toEqual([primary]);
    const keyring = await Keyring.fromKeys([both]);
    expect((await keyring.verifyDetached(text, await readFile(`${data}.sig`))).fingerprint).toBe(primary);
    home.gpgOk(['--yes', '-u', `${subkey}!`, '--output', `${data}.asc`, '--clearsign', data]);
    expect((await keyring.verifyClearsigned(await readFile(`${data}.asc`, 'utf8'))).fingerprint).toBe(primary);
  });

  it('signs with a private key exported by gpg, and gpg verifies the result', async () => {
    const secret = join(home.dir, 'secret.asc');
    home.gpgOk(['--yes', '--passphrase', '', '--output', secret, '--armor', '--export-secret-keys', fingerprints.get('rsa3072') ?? '']);
    const signer = await loadSigner(await readFile(secret, 'utf8'));
    expect(signer.fingerprint).toBe(fingerprints.get('rsa3072'));
    const data = join(home.dir, 'signed-with-gpg-key');
    await writeFile(data, text);
    await writeFile(`${data}.asc`, await signer.signDetachedArmored(text));
    expect(home.gpgOk(['--status-fd', '1', '--verify', `${data}.asc`, data]).stdout).toContain(`VALIDSIG ${signer.fingerprint}`);
  });

  it('reads a binary keyring holding every key gpg exports', async () => {
    const file = join(home.dir, 'all.gpg');
    home.gpgOk(['--yes', '--output', file, '--export']);
    const infos = await readPublicKeys(await readFile(file));
    expect(infos.map((i) => i.fingerprint).sort()).toEqual([...fingerprints.values()].sort());
  });
});
