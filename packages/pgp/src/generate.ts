import { AirlockError } from '@airlock/core';
import { generateKey as generateOpenpgpKey } from 'openpgp';
import { parsePublicKeys } from './public-keys.js';
import { reason } from './reason.js';

export interface GeneratedKey {
  armoredPrivateKey: string;
  armoredPublicKey: string;
  fingerprint: string;
}

/**
 * A signing-only Ed25519 key without expiry. It is a v4 key (legacy EdDSA) because GnuPG 2.2,
 * gpgv and apt do not read v6 keys.
 */
export async function generateKey(o: { name: string; email?: string; passphrase?: string }): Promise<GeneratedKey> {
  if (o.name.trim() === '') throw new AirlockError('USAGE', 'a key needs a name: give a non-empty name');
  const userId = o.email ? { name: o.name, email: o.email } : { name: o.name };
  const generated = await generateOpenpgpKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [userId],
    keyExpirationTime: 0,
    subkeys: [],
    format: 'armored',
    config: { v6Keys: false },
    ...(o.passphrase ? { passphrase: o.passphrase } : {}),
  }).catch((err: unknown) => {
    throw new AirlockError('USAGE', `cannot generate a key for ${JSON.stringify(userId)}: ${reason(err)}`, { cause: err });
  });
  const [parsed] = await parsePublicKeys(generated.publicKey);
  if (!parsed) throw new AirlockError('INTERNAL', 'the generated key could not be read back; please report this bug');
  return { armoredPrivateKey: generated.privateKey, armoredPublicKey: parsed.info.armored, fingerprint: parsed.info.fingerprint };
}
