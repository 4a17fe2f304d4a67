import { describe, expect, it } from 'vitest';
import { expectCode } from '@airlock/test-utils';
import { generateKey, Keyring, loadSigner, readPublicKeys } from './index.js';

describe('generateKey', () => {
  it('makes an unencrypted v4 Ed25519 signing key with the given user ID', async () => {
    const key = await generateKey({ name: 'Airlock Site', email: 'site@example.org' });
    expect(key.fingerprint).toMatch(/^[0-9A-F]{40}$/);
    expect(key.armoredPrivateKey).toContain('-----BEGIN PGP PRIVATE KEY BLOCK-----');
    const [info] = await readPublicKeys(key.armoredPublicKey);
    expect(info?.fingerprint).toBe(key.fingerprint);
    expect(info?.userIds).toEqual(['Airlock Site <site@example.org>']);
    const signer = await loadSigner(key.armoredPrivateKey);
    expect(signer.fingerprint).toBe(key.fingerprint);
  });

  it('refuses an empty name with USAGE', async () => {
    await expectCode(generateKey({ name: '  ' }), 'USAGE');
  });
});

describe('loadSigner', () => {
  it('exposes the public key armored and binary', async () => {
    const key = await generateKey({ name: 'Site' });
    const signer = await loadSigner(key.armoredPrivateKey);
    const [fromArmored] = await readPublicKeys(signer.armoredPublicKey);
    const [fromBinary] = await readPublicKeys(signer.binaryPublicKey);
    expect(fromArmored?.fingerprint).toBe(key.fingerprint);
    expect(fromBinary?.fingerprint).toBe(key.fingerprint);
    expect(signer.armoredPublicKey).not.toContain('PRIVATE');
  });

  it('needs the right passphrase for a protected key (KEY_PASSPHRASE otherwise)', async () => {
    const key = await generateKey({ name: 'Site', passphrase: 'correct horse' });
    await expectCode(loadSigner(key.armoredPrivateKey), 'KEY_PASSPHRASE');
    await expectCode(loadSigner(key.armoredPrivateKey, ''), 'KEY_PASSPHRASE');
    await expectCode(loadSigner(key.armoredPrivateKey, 'battery staple'), 'KEY_PASSPHRASE');
    const signer = await loadSigner(key.armoredPrivateKey, 'correct horse');
    const keyring = await Keyring.fromKeys([key.armoredPublicKey]);
    const result = await keyring.verifyDetached('payload', await signer.signDetachedArmored('payload'));
    expect(result.fingerprint).toBe(key.fingerprint);
  });

  it('refuses anything that is not a private key with KEY_INVALID', async () => {
    const key = await generateKey({ name: 'Site' });
    await expectCode(loadSigner('garbage'), 'KEY_INVALID');
    await expectCode(loadSigner(''), 'KEY_INVALID');
    await expectCode(loadSigner(key.armoredPublicKey), 'KEY_INVALID');
    await expectCode(loadSigner(key.armoredPrivateKey.slice(0, key.armoredPrivateKey.length / 2)), 'KEY_INVALID');
  });
});
