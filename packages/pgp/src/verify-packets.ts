import { AirlockError } from '@airlock/core';
import { createMessage, PacketList, Signature, verify, type SignaturePacket } from 'openpgp';
import { hexFingerprint } from './fingerprint.js';
import type { ParsedPublicKey } from './public-keys.js';
import { reason } from './reason.js';

export interface SignatureCheck {
  /** Primary key fingerprint, also when a subkey made the signature. */
  fingerprint: string;
  created: Date;
}

export type SignedData = { binary: Uint8Array } | { text: string };

/**
 * Checks every signature packet whose issuer is in `keys`; signatures by unknown keys are
 * skipped, as gpgv does. One bad signature by a known key fails the whole document.
 */
export async function verifyPackets(packets: SignaturePacket[], keys: ParsedPublicKey[], data: SignedData): Promise<SignatureCheck> {
  let first: SignatureCheck | undefined;
  for (const packet of packets) {
    const issuers = keys.filter((candidate) => isIssuedBy(packet, candidate));
    if (issuers.length === 0) continue;
    const check = await verifyByAny(packet, issuers, data);
    first ??= check;
  }
  if (first) return first;
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

async function verifyByAny(packet: SignaturePacket, issuers: ParsedPublicKey[], data: SignedData): Promise<SignatureCheck> {
  let failure: unknown;
  for (const issuer of issuers) {
    try {
      await verifyOne(packet, issuer, data);
      if (!packet.created) throw new Error('the signature has no creation time');
      return { fingerprint: issuer.info.fingerprint, created: packet.created };
    } catch (err) {
      failure = err;
    }
  }
  const fingerprints = issuers.map((issuer) => issuer.info.fingerprint).join(', ');
  throw new AirlockError('SIGNATURE_INVALID', `the signature by ${fingerprints} does not verify (${reason(failure)}): the signed data or the signature was altered`, {
    cause: failure,
    details: { fingerprint: fingerprints },
  });
}

/** Verifies a whole in-memory document and awaits the result, never acting on data before that. */
async function verifyOne(packet: SignaturePacket, issuer: ParsedPublicKey, data: SignedData): Promise<void> {
  const single = new PacketList<SignaturePacket>();
  single.push(packet);
  const message = 'binary' in data ? await createMessage({ binary: data.binary }) : await createMessage({ text: data.text });
  const result = await verify({ message, signature: new Signature(single), verificationKeys: [issuer.key] });
  const [entry] = result.signatures;
  if (!entry || result.signatures.length !== 1) throw new Error('expected exactly one signature result');
  await entry.verified;
}

function describeIssuer(packet: SignaturePacket): string {
  if (packet.issuerFingerprint) return hexFingerprint(packet.issuerFingerprint);
  return `key ID ${packet.issuerKeyID.toHex().toUpperCase()}`;
}
