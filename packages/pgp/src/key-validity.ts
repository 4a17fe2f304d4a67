import type { SignaturePacket } from 'openpgp';
import type { ParsedPublicKey } from './public-keys.js';
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
