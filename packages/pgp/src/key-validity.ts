import type { SignaturePacket } from 'openpgp';
import { parsePublicKeys, type ParsedPublicKey } from './public-keys.js';
import { reason } from './reason.js';

export interface Unusable {
  fingerprint: string;
  reason: string;
}

/**
 * Why the key that made `packet` cannot sign at `now` (primary or subkey revoked, expired, or
 * its binding no longer valid), or null when it can. Revocation is final here whatever its
 * reason code: a site cannot tell a soft revocation from a compromise.
 */
export async function keyUnusableNow(issuer: ParsedPublicKey, packet: SignaturePacket, now: Date): Promise<Unusable | null> {
  const { key } = issuer;
  try {
    await key.getSigningKey(packet.issuerKeyID, now);
    return null;
  } catch (err) {
    const fingerprint = issuer.info.fingerprint;
    if (await key.isRevoked(undefined, undefined, now).catch(() => false)) return { fingerprint, reason: 'was revoked' };
    const expires = await key.getExpirationTime().catch(() => null);
    if (expires instanceof Date && expires.getTime() <= now.getTime()) return { fingerprint, reason: `expired at ${expires.toISOString()}` };
    return { fingerprint, reason: `has no valid signing key now (${reason(err)})` };
  }
}

export interface KeyValidity {
  fingerprint: string;
  /** 'unusable': no valid self-signature or signing key, for another reason. */
  state: 'valid' | 'revoked' | 'expired' | 'unusable';
  /** When the primary key expires; null when it never does (or cannot be told). */
  expires: Date | null;
}

/** Whether each key in `data` can sign at `now`, for `airlock trust list` and the like. */
export async function keyValidity(data: string | Uint8Array, now = new Date()): Promise<KeyValidity[]> {
  const result: KeyValidity[] = [];
  for (const parsed of await parsePublicKeys(data)) {
    const { key, info } = parsed;
    const expiry = await key.getExpirationTime().catch(() => null);
    const expires = expiry instanceof Date ? expiry : null;
    let state: KeyValidity['state'] = 'valid';
    try {
      await key.getSigningKey(undefined, now);
    } catch {
      if (await key.isRevoked(undefined, undefined, now).catch(() => false)) state = 'revoked';
      else state = expires && expires.getTime() <= now.getTime() ? 'expired' : 'unusable';
    }
    result.push({ fingerprint: info.fingerprint, state, expires });
  }
  return result;
}
