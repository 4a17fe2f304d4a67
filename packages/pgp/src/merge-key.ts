import { AirlockError } from '@airlock/core';
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
    return describe(await base.key.update(same.key)).info;
  } catch (err) {
    throw new AirlockError('KEY_INVALID', `cannot merge the update into key ${base.info.fingerprint}: ${reason(err)}`, { cause: err });
  }
}
