import { describe, expect, it } from 'vitest';
import { expectCode, expectCodeSync } from '@airlock/test-utils';
import { binaryKeyring, generateKey, normalizeFingerprint, readPublicKeys } from './index.js';

describe('normalizeFingerprint', () => {
  const fingerprint = 'E45106241C91C30A8958189567A4E454095B1890';

  it('accepts the spellings operators paste', () => {
    expect(normalizeFingerprint(fingerprint)).toBe(fingerprint);
    expect(normalizeFingerprint(fingerprint.toLowerCase())).toBe(fingerprint);
    expect(normalizeFingerprint(`0x${fingerprint}`)).toBe(fingerprint);
    expect(normalizeFingerprint(`0X${fingerprint.toLowerCase()}`)).toBe(fingerprint);
    expect(normalizeFingerprint('E451 0624 1C91 C30A 8958  1895 67A4 E454 095B 1890')).toBe(fingerprint);
    expect(normalizeFingerprint(` ${fingerprint}\n`)).toBe(fingerprint);
  });

  it('refuses what is not a 40-hex fingerprint with USAGE', () => {
    for (const bad of ['', '0x', fingerprint.slice(1), `${fingerprint}0`, fingerprint.replace('E', 'G'), '67A4E454095B1890', 'A'.repeat(64), `0x0x${fingerprint}`]) {
      expectCodeSync(() => normalizeFingerprint(bad), 'USAGE');
    }
  });
});

describe('readPublicKeys', () => {
  it('reads armored and binary keys and gives the same fingerprint', async () => {
    const key = await generateKey({ name: 'Alice', email: 'alice@example.org' });
    const [armored] = await readPublicKeys(key.armoredPublicKey);
    expect(armored).toBeDefined();
    const [binary] = await readPublicKeys(armored?.binary ?? new Uint8Array());
    expect(binary?.fingerprint).toBe(key.fingerprint);
    expect(binary?.userIds).toEqual(['Alice <alice@example.org>']);
    expect(binary?.created).toBeInstanceOf(Date);
    expect(Buffer.from(binary?.binary ?? []).equals(Buffer.from(armored?.binary ?? [1]))).toBe(true);
  });

  it('gives the public part of a private key', async () => {
    const key = await generateKey({ name: 'Alice', passphrase: 'secret' });
    const [info] = await readPublicKeys(key.armoredPrivateKey);
    expect(info?.fingerprint).toBe(key.fingerprint);
    expect(info?.armored).toContain('-----BEGIN PGP PUBLIC KEY BLOCK-----');
    expect(info?.armored).not.toContain('PRIVATE');
    // A secret-key packet (tag 5) would start with 0x94/0x95 in the old format or 0xc5 in the new one.
    expect([0x94, 0x95, 0xc5]).not.toContain(info?.binary[0]);
  });

  it('reads several keys from concatenated armor blocks and from a binary keyring', async () => {
    const alice = await generateKey({ name: 'Alice' });
    const bob = await generateKey({ name: 'Bob' });
    const fromArmor = await readPublicKeys(`${alice.armoredPublicKey}\n${bob.armoredPublicKey}`);
    expect(fromArmor.map((k) => k.fingerprint)).toEqual([alice.fingerprint, bob.fingerprint]);
    const fromBinary = await readPublicKeys(binaryKeyring(fromArmor));
    expect(fromBinary.map((k) => k.fingerprint)).toEqual([alice.fingerprint, bob.fingerprint]);
    const fromArmorBytes = await readPublicKeys(Buffer.from(`\n${alice.armoredPublicKey}`));
    expect(fromArmorBytes.map((k) => k.fingerprint)).toEqual([alice.fingerprint]);
  });

  it('refuses empty input and garbage with KEY_INVALID', async () => {
    const key = await generateKey({ name: 'Alice' });
    const [info] = await readPublicKeys(key.armoredPublicKey);
    const binary = info?.binary ?? new Uint8Array();
    const hostile: Array<string | Uint8Array> = [
      '',
      '\n\n',
      new Uint8Array(),
      'not a key',
      '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----\n',
      key.armoredPublicKey.slice(0, key.armoredPublicKey.length / 2),
      binary.subarray(0, binary.length - 10),
      Uint8Array.from({ length: 200 }, (_, i) => (i * 37 + 11) & 0xff),
    ];
    for (const input of hostile) await expectCode(readPublicKeys(input), 'KEY_INVALID');
  });
});
