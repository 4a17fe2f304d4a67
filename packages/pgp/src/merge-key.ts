import { AirlockError } from '@airlock/core';
import { enums, type PublicKey, type SignaturePacket } from 'openpgp';
import { parsePublicKeys, describe, type PublicKeyInfo } from './public-keys.js';
import { reason } from './reason.js';

/**
 * Merges what `update` adds to the key `known` (new self-signatures such as an extended expiry,
 * new subkeys, revocations). Only packets the primary key itself signed are kept, so an update
 * cannot be forged by whoever carries it: a revocation takes effect, a stranger's edit does not.
 */
export async function mergeKeyUpdate(known: string | Uint8Array, update: string | Uint8Array): Promise<PublicKeyInfo> {
  const [base] = await parsePublicKeys(known);
  const incoming = await parsePublicKeys(update);
  if (!base) throw new AirlockError('KEY_INVALID', 'no OpenPGP key to merge into');
  const same = incoming.find((k) => k.info.fingerprint === base.info.fingerprint);
  if (!same) throw new AirlockError('KEY_INVALID', `the update holds no key with fingerprint ${base.info.fingerprint}`);
  try {
    return describe(await base.key.update(await selfSignedOnly(same.key))).info;
  } catch (err) {
    throw new AirlockError('KEY_INVALID', `cannot merge the update into key ${base.info.fingerprint}: ${reason(err)}`, { cause: err });
  }
}

/** openpgp.js verifies signature packets with a method its type declarations leave out. */
interface VerifiablePacket {
  verify(key: PublicKey['keyPacket'], signatureType: number, data: object, date: null): Promise<void>;
}

/**
 * Drops every signature of `key` that its own primary key did not make (third-party
 * certifications, forged revocations or bindings) and then every user ID or subkey left without
 * one. openpgp.js's Key.update copies some of these unverified (all of them when the known key
 * has none of that kind yet), so the update is cleaned before it is merged.
 */
async function selfSignedOnly(key: PublicKey): Promise<PublicKey> {
  const primary = key.keyPacket;
  const own = async (signatures: SignaturePacket[], type: number, data: object): Promise<SignaturePacket[]> => {
    const kept: SignaturePacket[] = [];
    for (const signature of signatures) {
      if (!signature.issuerKeyID.equals(primary.getKeyID())) continue;
      try {
        // date null: the signature is checked cryptographically; validity in time is judged when used.
        await (signature as unknown as VerifiablePacket).verify(primary, type, data, null);
        kept.push(signature);
      } catch {
        // not made by this primary key over this data: dropped
      }
    }
    return kept;
  };
  key.revocationSignatures = await own(key.revocationSignatures, enums.signature.keyRevocation, { key: primary });
  const direct = key as unknown as { directSignatures: SignaturePacket[] };
  direct.directSignatures = await own(direct.directSignatures ?? [], enums.signature.key, { key: primary });
  for (const user of key.users) {
    const data = { userID: user.userID, userAttribute: user.userAttribute, key: primary };
    user.selfCertifications = await own(user.selfCertifications, enums.signature.certGeneric, data);
    user.revocationSignatures = await own(user.revocationSignatures, enums.signature.certRevocation, data);
    user.otherCertifications = [];
  }
  key.users = key.users.filter((u) => u.selfCertifications.length > 0 || u.revocationSignatures.length > 0);
  for (const subkey of key.subkeys) {
    const data = { key: primary, bind: subkey.keyPacket };
    subkey.bindingSignatures = await own(subkey.bindingSignatures, enums.signature.subkeyBinding, data);
    subkey.revocationSignatures = await own(subkey.revocationSignatures, enums.signature.subkeyRevocation, data);
  }
  key.subkeys = key.subkeys.filter((s) => s.bindingSignatures.length > 0 || s.revocationSignatures.length > 0);
  return key;
}
