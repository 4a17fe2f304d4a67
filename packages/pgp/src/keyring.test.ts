import { describe, expect, it } from 'vitest';
import { expectCode } from '@airlock/test-utils';
import { binaryKeyring, generateKey, Keyring, loadSigner, readPublicKeys } from './index.js';

const data = new TextEncoder().encode('{"manifest":"airlock","sequence":1}\n');

async function newSigner(name: string) {
  const key = await generateKey({ name, email: `${name.toLowerCase()}@example.org` });
  return { key, signer: await loadSigner(key.armoredPrivateKey) };
}

describe('Keyring.verifyDetached', () => {
  it('accepts an armored signature by a trusted key and reports its fingerprint', async () => {
    const { key, signer } = await newSigner('Alice');
    const keyring = await Keyring.fromKeys([key.armoredPublicKey]);
    const before = Date.now() - 2000;
    const result = await keyring.verifyDetached(data, await signer.signDetachedArmored(data));
    expect(result.fingerprint).toBe(key.fingerprint);
    expect(result.fingerprint).toMatch(/^[0-9A-F]{40}$/);
    expect(result.created.getTime()).toBeGreaterThanOrEqual(before);
    expect(keyring.fingerprints).toEqual([key.fingerprint]);
  });

  it('accepts binary signatures, armored signatures given as bytes, and string data', async () => {
    const { key, signer } = await newSigner('Alice');
    const keyring = await Keyring.fromKeys([signer.binaryPublicKey]);
    const text = 'SHA256SUMS content\n';
    expect((await keyring.verifyDetached(text, await signer.signDetachedBinary(text))).fingerprint).toBe(key.fingerprint);
    const armoredBytes = Buffer.from(await signer.signDetachedArmored(text));
    expect((await keyring.verifyDetached(Buffer.from(text), armoredBytes)).fingerprint).toBe(key.fingerprint);
  });

  it('refuses tampered data with SIGNATURE_INVALID', async () => {
    const { key, signer } = await newSigner('Alice');
    const keyring = await Keyring.fromKeys([key.armoredPublicKey]);
    const signature = await signer.signDetachedArmored(data);
    const tampered = Uint8Array.from(data);
    tampered[3] = (tampered[3] ?? 0) ^ 0x01;
    await expectCode(keyring.verifyDetached(tampered, signature), 'SIGNATURE_INVALID');
  });

  it('refuses a signature whose signature bytes were altered with SIGNATURE_INVALID', async () => {
    const { key, signer } = await newSigner('Alice');
    const keyring = await Keyring.fromKeys([key.armoredPublicKey]);
    const signature = Uint8Array.from(await signer.signDetachedBinary(data));
    signature[signature.length - 3] = (signature[signature.length - 3] ?? 0) ^ 0x40;
    await expectCode(keyring.verifyDetached(data, signature), 'SIGNATURE_INVALID');
  });

  it('refuses a signature by a key outside the keyring with SIGNER_UNTRUSTED', async () => {
    const { signer } = await newSigner('Mallory');
    const other = await generateKey({ name: 'Alice' });
    const keyring = await Keyring.fromKeys([other.armoredPublicKey]);
    await expectCode(keyring.verifyDetached(data, await signer.signDetachedArmored(data)), 'SIGNER_UNTRUSTED');
    const empty = await Keyring.fromKeys([]);
    await expectCode(empty.verifyDetached(data, await signer.signDetachedBinary(data)), 'SIGNER_UNTRUSTED');
  });

  it('reports SIGNATURE_MISSING for empty signatures', async () => {
    const { key } = await newSigner('Alice');
    const keyring = await Keyring.fromKeys([key.armoredPublicKey]);
    await expectCode(keyring.verifyDetached(data, ''), 'SIGNATURE_MISSING');
    await expectCode(keyring.verifyDetached(data, new Uint8Array()), 'SIGNATURE_MISSING');
    await expectCode(keyring.verifyDetached(data, ' \n\t\n'), 'SIGNATURE_MISSING');
    await expectCode(keyring.verifyDetached(data, '-----BEGIN PGP SIGNATURE-----\n\n-----END PGP SIGNATURE-----\n'), 'SIGNATURE_MISSING');
  });

  it('reports SIGNATURE_INVALID for garbage signatures', async () => {
    const { key, signer } = await newSigner('Alice');
    const keyring = await Keyring.fromKeys([key.armoredPublicKey]);
    const armored = await signer.signDetachedArmored(data);
    const hostile: Array<string | Uint8Array> = [
      'garbage',
      '-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n',
      armored.slice(0, armored.length / 2),
      Uint8Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 0xff),
      Uint8Array.of(0x88, 0xff, 0xff),
      key.armoredPublicKey,
      (await readPublicKeys(key.armoredPublicKey))[0]?.binary ?? new Uint8Array(),
    ];
    for (const signature of hostile) await expectCode(keyring.verifyDetached(data, signature), 'SIGNATURE_INVALID');
  });

  it('refuses documents carrying an excessive number of signatures', async () => {
    const { key, signer } = await newSigner('Alice');
    const keyring = await Keyring.fromKeys([key.armoredPublicKey]);
    const one = await signer.signDetachedBinary(data);
    await expectCode(keyring.verifyDetached(data, Buffer.concat(Array.from({ length: 17 }, () => one))), 'SIGNATURE_INVALID');
  });

  it('skips signatures by unknown keys but fails on any bad signature by a known key', async () => {
    const alice = await newSigner('Alice');
    const bob = await newSigner('Bob');
    const aliceSig = await alice.signer.signDetachedBinary(data);
    const bobSig = await bob.signer.signDetachedBinary(data);
    const both = Buffer.concat([bobSig, aliceSig]);
    expect((await (await Keyring.fromKeys([alice.key.armoredPublicKey])).verifyDetached(data, both)).fingerprint).toBe(alice.key.fingerprint);
    const bobOverOtherData = await bob.signer.signDetachedBinary('something else');
    const mixed = Buffer.concat([aliceSig, bobOverOtherData]);
    const keyring = await Keyring.fromKeys([alice.key.armoredPublicKey, bob.key.armoredPublicKey]);
    await expectCode(keyring.verifyDetached(data, mixed), 'SIGNATURE_INVALID');
  });

  it('finds the signer among several keys and collapses duplicate keys', async () => {
    const alice = await newSigner('Alice');
    const bob = await newSigner('Bob');
    const infos = await readPublicKeys(alice.key.armoredPublicKey);
    const keyring = await Keyring.fromKeys([binaryKeyring([...infos, ...(await readPublicKeys(bob.key.armoredPublicKey))]), ...infos]);
    expect(keyring.fingerprints).toEqual([alice.key.fingerprint, bob.key.fingerprint]);
    expect((await keyring.verifyDetached(data, await bob.signer.signDetachedArmored(data))).fingerprint).toBe(bob.key.fingerprint);
  });

  it('refuses to build a keyring from garbage with KEY_INVALID', async () => {
    await expectCode(Keyring.fromKeys(['not a key']), 'KEY_INVALID');
  });
});

describe('Keyring.verifyClearsigned', () => {
  const text = 'Origin: Airlock\nSuite: stable\n- a line with a dash\n-----BEGIN looks like armor\nFrom the end\n';

  it('returns the signed body of a document signed by a trusted key', async () => {
    const { key, signer } = await newSigner('Alice');
    const keyring = await Keyring.fromKeys([key.armoredPublicKey]);
    const signed = await signer.clearsign(text);
    expect(signed).not.toContain('\r');
    const result = await keyring.verifyClearsigned(signed);
    expect(result.fingerprint).toBe(key.fingerprint);
    expect(result.body).toBe(text);
  });

  it('treats the body as lines: CRLF documents verify and a missing final line break is restored', async () => {
    const { key, signer } = await newSigner('Alice');
    const keyring = await Keyring.fromKeys([key.armoredPublicKey]);
    expect((await keyring.verifyClearsigned((await signer.clearsign(text)).replace(/\n/g, '\r\n'))).body).toBe(text);
    expect((await keyring.verifyClearsigned(await signer.clearsign('one\ntwo'))).body).toBe('one\ntwo\n');
  });

  it('refuses a tampered body with SIGNATURE_INVALID', async () => {
    const { key, signer } = await newSigner('Alice');
    const keyring = await Keyring.fromKeys([key.armoredPublicKey]);
    const signed = await signer.clearsign(text);
    await expectCode(keyring.verifyClearsigned(signed.replace('Suite: stable', 'Suite: stabla')), 'SIGNATURE_INVALID');
  });

  it('refuses unsigned text around the signed block', async () => {
    const { key, signer } = await newSigner('Alice');
    const keyring = await Keyring.fromKeys([key.armoredPublicKey]);
    const signed = await signer.clearsign(text);
    await expectCode(keyring.verifyClearsigned(`Suite: evil\n${signed}`), 'SIGNATURE_INVALID');
    await expectCode(keyring.verifyClearsigned(`${signed}Suite: evil\n`), 'SIGNATURE_INVALID');
    await expectCode(keyring.verifyClearsigned(`${signed}${signed}`), 'SIGNATURE_INVALID');
    expect((await keyring.verifyClearsigned(`\n${signed}\n\n`)).body).toBe(text);
  });

  it('maps unsigned, broken and foreign documents to their codes', async () => {
    const { key, signer } = await newSigner('Alice');
    const keyring = await Keyring.fromKeys([key.armoredPublicKey]);
    await expectCode(keyring.verifyClearsigned(''), 'SIGNATURE_MISSING');
    await expectCode(keyring.verifyClearsigned(text), 'SIGNATURE_MISSING');
    const signed = await signer.clearsign(text);
    const withoutSignature = signed.replace(/-----BEGIN PGP SIGNATURE-----[\s\S]*$/, '-----BEGIN PGP SIGNATURE-----\n\n-----END PGP SIGNATURE-----\n');
    await expectCode(keyring.verifyClearsigned(withoutSignature), 'SIGNATURE_MISSING');
    await expectCode(keyring.verifyClearsigned(signed.replace(/\n[A-Za-z0-9+/]{20,}\n/, '\n!!not base64!!\n')), 'SIGNATURE_INVALID');
    await expectCode(keyring.verifyClearsigned(signed.slice(0, signed.length - 40)), 'SIGNATURE_INVALID');
    const mallory = await newSigner('Mallory');
    await expectCode(keyring.verifyClearsigned(await mallory.signer.clearsign(text)), 'SIGNER_UNTRUSTED');
  });
});
