import { AirlockError } from '@airlock/core';
import { enums, readSignature, SignaturePacket, type Signature } from 'openpgp';
import { armoredOrBinary, armorIsEmpty, isBlank } from './input.js';
import { reason } from './reason.js';

/** More signatures than any real document carries; bounds the work a hostile file can cause. */
const MAX_SIGNATURES = 16;

const DOCUMENT_SIGNATURE_TYPES: ReadonlySet<number> = new Set([enums.signature.binary, enums.signature.text]);

/** Reads a detached signature, armored or binary, into its signature packets. */
export async function readDetachedSignature(signature: string | Uint8Array): Promise<SignaturePacket[]> {
  // Attacker-controlled: the signature comes from a bundle or an upstream mirror.
  if (isBlank(signature)) throw new AirlockError('SIGNATURE_MISSING', 'the signature is empty: the document is not signed');
  const input = armoredOrBinary(signature);
  if ('armored' in input && armorIsEmpty(input.armored)) throw new AirlockError('SIGNATURE_MISSING', 'the signature block is empty: the document is not signed');
  let parsed: Signature;
  try {
    parsed = 'binary' in input ? await readSignature({ binarySignature: input.binary }) : await readSignature({ armoredSignature: input.armored });
  } catch (err) {
    throw new AirlockError('SIGNATURE_INVALID', `the signature cannot be read as OpenPGP: ${reason(err)}`, { cause: err });
  }
  return checkedPackets([...parsed.packets]);
}

/** Refuses packet lists that cannot be the signature of a document. */
export function checkedPackets(packets: unknown[]): SignaturePacket[] {
  if (packets.length === 0) throw new AirlockError('SIGNATURE_MISSING', 'the signature holds no OpenPGP signature packet');
  if (packets.length > MAX_SIGNATURES) {
    throw new AirlockError('SIGNATURE_INVALID', `the signature holds ${packets.length} signature packets; at most ${MAX_SIGNATURES} are accepted`);
  }
  const signatures: SignaturePacket[] = [];
  for (const packet of packets) {
    // Packets openpgp.js cannot parse arrive as placeholders rather than SignaturePackets.
    if (!(packet instanceof SignaturePacket)) throw new AirlockError('SIGNATURE_INVALID', 'the signature holds a packet that is not a readable signature');
    if (packet.signatureType === null || !DOCUMENT_SIGNATURE_TYPES.has(packet.signatureType)) {
      throw new AirlockError('SIGNATURE_INVALID', `the signature is not a document signature (type ${String(packet.signatureType)})`);
    }
    signatures.push(packet);
  }
  return signatures;
}
