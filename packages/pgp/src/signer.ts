import { AirlockError, type Signer } from '@airlock/core';
import { createCleartextMessage, createMessage, decryptKey, readPrivateKey, sign, type PrivateKey } from 'openpgp';
import { toBytes } from './input.js';
import { parsePublicKeys, type PublicKeyInfo } from './public-keys.js';
import { reason } from './reason.js';

/**
 * Loads an armored private key for signing. KEY_INVALID when it is not a usable v4 signing key,
 * KEY_PASSPHRASE when it is encrypted and the passphrase is missing or wrong.
 */
export async function loadSigner(armoredPrivateKey: string, passphrase?: string): Promise<Signer> {
  const key = await unlock(await readSigningKey(armoredPrivateKey), passphrase);
  const [parsed] = await parsePublicKeys(key.toPublic().write());
  if (!parsed) throw new AirlockError('KEY_INVALID', 'the private key has no public part');
  return new OpenpgpSigner(key, parsed.info);
}

async function readSigningKey(armored: string): Promise<PrivateKey> {
  let key: PrivateKey;
  try {
    key = await readPrivateKey({ armoredKey: armored });
  } catch (err) {
    throw new AirlockError('KEY_INVALID', `not an armored OpenPGP private key: ${reason(err)}`, { cause: err });
  }
  if (key.keyPacket.version !== 4) {
    throw new AirlockError('KEY_INVALID', `the private key is a version ${key.keyPacket.version} key; only v4 keys work with gpg, gpgv and apt`);
  }
  try {
    await key.getSigningKey();
  } catch (err) {
    throw new AirlockError('KEY_INVALID', `the private key cannot sign (${reason(err)}); generate a new key`, { cause: err });
  }
  return key;
}

async function unlock(key: PrivateKey, passphrase: string | undefined): Promise<PrivateKey> {
  if (key.isDecrypted()) return key;
  if (!passphrase) {
    throw new AirlockError('KEY_PASSPHRASE', `private key ${key.getFingerprint().toUpperCase()} is passphrase-protected: provide its passphrase`);
  }
  try {
    return await decryptKey({ privateKey: key, passphrase });
  } catch (err) {
    if (/passphrase/i.test(reason(err))) {
      throw new AirlockError('KEY_PASSPHRASE', `wrong passphrase for private key ${key.getFingerprint().toUpperCase()}`, { cause: err });
    }
    throw new AirlockError('KEY_INVALID', `cannot unlock private key ${key.getFingerprint().toUpperCase()}: ${reason(err)}`, { cause: err });
  }
}

class OpenpgpSigner implements Signer {
  readonly fingerprint: string;
  readonly armoredPublicKey: string;
  readonly binaryPublicKey: Uint8Array;
  readonly #key: PrivateKey;

  constructor(key: PrivateKey, publicKey: PublicKeyInfo) {
    this.#key = key;
    this.fingerprint = publicKey.fingerprint;
    this.armoredPublicKey = publicKey.armored;
    this.binaryPublicKey = publicKey.binary;
  }

  async signDetachedArmored(data: Uint8Array | string): Promise<string> {
    const message = await createMessage({ binary: toBytes(data) });
    return sign({ message, signingKeys: this.#key, detached: true, format: 'armored' });
  }

  async signDetachedBinary(data: Uint8Array | string): Promise<Uint8Array> {
    const message = await createMessage({ binary: toBytes(data) });
    return sign({ message, signingKeys: this.#key, detached: true, format: 'binary' });
  }

  /**
   * Signs text as lines, like `gpg --clearsign`: a final line break ends the last line rather than
   * adding an empty one, so `gpg --decrypt` gives back `text`. Trailing whitespace on lines is not
   * signed and is dropped. Line ends come out as LF: the signature covers CRLF-normalised text
   * either way, and apt parses the body as LF text.
   */
  async clearsign(text: string): Promise<string> {
    const message = await createCleartextMessage({ text: text.replace(/\r?\n$/, '') });
    const armored = await sign({ message, signingKeys: this.#key });
    return armored.replace(/\r\n/g, '\n');
  }
}
