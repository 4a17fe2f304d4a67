import { AirlockError } from '@airlock/core';
import { createMessage, PacketList, Signature, verify, type SignaturePacket } from 'openpgp';
import { hexFingerprint } from './fingerprint.js';
import { keyUnusableNow, type Unusable } from './key-validity.js';
import type { ParsedPublicKey } from './public-keys.js';
import { reason } from './reason.js';

export interface SignatureCheck {
  /** Primary key fingerprint, also when a subkey made the signature. */
  fingerprint: string;
  created: Date;
}

export type SignedData = { binary: Uint8Array } | { text: string };

export interface VerifyOptions {
  /** The time key validity is judged at; default now. */
  now?: Date;
}

/**
 * Checks every signature packet whose issuer is in `keys`; signatures by unknown keys are
 * skipped, as gpgv does. One bad signature by a known key fails the whole document. A good
 * signature by a key that is revoked or expired *now* counts for nothing (apt calls these
 * worthless): openpgp.js only checks the key at the signature's own creation time, which the
 * signer chooses, so a stolen key that was revoked or has expired could otherwise still sign.
 */
export async function verifyPackets(packets: SignaturePacket[], keys: ParsedPublicKey[], data: SignedData, options: VerifyOptions = {}): Promise<SignatureCheck> {
  const now = options.now ?? new Date();
  let first: SignatureCheck | undefined;
  const worthless: Unusable[] = [];
  for (const packet of packets) {
    const issuers = keys.filter((candidate) => isIssuedBy(packet, candidate));
    if (issuers.length === 0) continue;
    const outcome = await verifyByAny(packet, issuers, data, now);
    if ('unusable' in outcome) worthless.push(outcome.unusable);
    else first ??= outcome.check;
  }
  if (first) return first;
  if (worthless.length > 0) {
    const why = worthless.map((w) => `${w.fingerprint} ${w.reason}`).join('; ');
    throw new AirlockError('SIGNER_UNTRUSTED', `the only trusted signatures are by keys that cannot be used now (${why}); a revoked or expired key proves nothing: get the signer's current key (or a document signed with it)`, {
      details: { unusable: worthless },
    });
  }
  const issuer = packets.map(describeIssuer).join(', ');
  throw new AirlockError('SIGNER_UNTRUSTED', `signed by ${issuer}, which is not a trusted key: add the signer's public key to the trust store if you trust it`, {
    details: { issuer, trusted: keys.map((k) => k.info.fingerprint) },
  });
}

function isIssuedBy(packet: SignaturePacket, candidate: ParsedPublicKey): boolean {
  if (packet.issuerFingerprint) {
    const issuer = hexFingerprint(packet.issuerFingerprint);
    return candidate.key.getKeys().some((part) => part.getFingerprint().toUpperCase() === issuer);
  }
  return candidate.key.getKeys(packet.issuerKeyID).length > 0;
}

/**
 * The first issuer the signature verifies with. A key that is revoked or expired now makes the
 * signature worthless rather than invalid (openpgp.js may already refuse a revoked key itself).
 */
async function verifyByAny(packet: SignaturePacket, issuers: ParsedPublicKey[], data: SignedData, now: Date): Promise<{ check: SignatureCheck } | { unusable: Unusable }> {
  let failure: unknown;
  let unusable: Unusable | undefined;
  for (const issuer of issuers) {
    try {
      await verifyOne(packet, issuer, data, now);
      if (!packet.created) throw new Error('the signature has no creation time');
      const notNow = await keyUnusableNow(issuer, packet, now);
      if (notNow) return { unusable: notNow };
      return { check: { fingerprint: issuer.info.fingerprint, created: packet.created } };
    } catch (err) {
      unusable = (await keyUnusableNow(issuer, packet, now)) ?? undefined;
      if (!unusable) failure = err;
    }
  }
  if (unusable && failure === undefined) return { unusable };
  const fingerprints = issuers.map((issuer) => issuer.info.fingerprint).join(', ');
  throw new AirlockError('SIGNATURE_INVALID', `the signature by ${fingerprints} does not verify (${reason(failure)}): the signed data or the signature was altered`, {
    cause: failure,
    details: { fingerprint: fingerprints },
  });
}

/** Verifies a whole in-memory document and awaits the result, never acting on data before that. */
async function verifyOne(packet: SignaturePacket, issuer: ParsedPublicKey, data: SignedData, now: Date): Promise<void> {
  const single = new PacketList<SignaturePacket>();
  single.push(packet);
  const message = 'binary' in data ? await createMessage({ binary: data.binary }) : await createMessage({ text: data.text });
  const result = await verify({ message, signature: new Signature(single), verificationKeys: [issuer.key], date: now });
  const [entry] = result.signatures;
  if (!entry || result.signatures.length !== 1) throw new Error('expected exactly one signature result');
  await entry.verified;
}

function describeIssuer(packet: SignaturePacket): string {
  if (packet.issuerFingerprint) return hexFingerprint(packet.issuerFingerprint);
  return `key ID ${packet.issuerKeyID.toHex().toUpperCase()}`;
}
