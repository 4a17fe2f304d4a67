import { AirlockError } from '@airlock/core';
import { readKeys, type Key, type PublicKey } from 'openpgp';
import { armoredKeyBlocks } from './armor-blocks.js';
import { armoredOrBinary, isBlank } from './input.js';
import { reason } from './reason.js';

export interface PublicKeyInfo {
  /** 40 uppercase hex characters of the primary key. */
  fingerprint: string;
  userIds: string[];
  armored: string;
  /** The key's packets as `gpg --export` writes them. */
  binary: Uint8Array;
  created: Date;
}

export interface ParsedPublicKey {
  info: PublicKeyInfo;
  key: PublicKey;
}

/** Reads one or more keys, armored (several blocks allowed) or binary. Private keys yield their public part. */
export async function readPublicKeys(data: string | Uint8Array): Promise<PublicKeyInfo[]> {
  return (await parsePublicKeys(data)).map((parsed) => parsed.info);
}

/** Concatenated binary keys, the format `gpg --export` writes and `gpgv --keyring` and apt's signed-by read. */
export function binaryKeyring(keys: PublicKeyInfo[]): Uint8Array {
  return Buffer.concat(keys.map((key) => key.binary));
}

/** readPublicKeys, keeping the openpgp.js key objects for verification. */
export async function parsePublicKeys(data: string | Uint8Array): Promise<ParsedPublicKey[]> {
  // Key files may come from upstream keyrings or an operator's download: parse defensively.
  if (isBlank(data)) throw new AirlockError('KEY_INVALID', 'the key file is empty: give an OpenPGP public key (armored or binary)');
  const keys = await readKeyObjects(data);
  if (keys.length === 0) throw new AirlockError('KEY_INVALID', 'no OpenPGP key found: give an armored or binary public key');
  return keys.map((key) => describe(key));
}

async function readKeyObjects(data: string | Uint8Array): Promise<Key[]> {
  const input = armoredOrBinary(data);
  try {
    if ('binary' in input) return await readKeys({ binaryKeys: input.binary });
    const blocks = armoredKeyBlocks(input.armored);
    const keys: Key[] = [];
    for (const block of blocks) keys.push(...(await readKeys({ armoredKeys: block })));
    return keys;
  } catch (err) {
    throw new AirlockError('KEY_INVALID', `cannot read the OpenPGP key: ${reason(err)}; give an armored or binary public key`, { cause: err });
  }
}

export function describe(key: Key): ParsedPublicKey {
  const publicKey = key.toPublic();
  const fingerprint = publicKey.getFingerprint().toUpperCase();
  if (publicKey.keyPacket.version !== 4) {
    throw new AirlockError('KEY_INVALID', `key ${fingerprint} is a version ${publicKey.keyPacket.version} key; only v4 keys work with gpg, gpgv and apt`);
  }
  const info: PublicKeyInfo = {
    fingerprint,
    userIds: publicKey.getUserIDs(),
    armored: publicKey.armor(),
    binary: publicKey.write(),
    created: publicKey.getCreationTime(),
  };
  return { info, key: publicKey };
}
