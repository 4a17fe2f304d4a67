import { AirlockError } from '@airlock/core';
import { readCleartextMessage, type CleartextMessage, type Signature, type SignaturePacket } from 'openpgp';
import { armorIsEmpty } from './input.js';
import { reason } from './reason.js';
import { checkedPackets } from './signature-packets.js';

const SIGNED_MESSAGE_LINE = /^-----BEGIN PGP SIGNED MESSAGE-----[ \t\r]*$/gm;
const SIGNATURE_BEGIN_LINE = /^-----BEGIN PGP SIGNATURE-----[ \t\r]*$/gm;
const SIGNATURE_END_LINE = /^-----END PGP SIGNATURE-----[ \t\r]*$/gm;

export interface ClearsignedDocument {
  /** The text the signatures cover: lines joined by LF, without a final line break. */
  signedText: string;
  /**
   * The signed lines, each ending in LF (what `gpg --decrypt` prints): exactly what the signature
   * covers, since the cleartext framework signs lines and not the break before the armor.
   */
  body: string;
  packets: SignaturePacket[];
}

/**
 * Splits a clearsigned document. Like apt, it refuses anything outside the one signed block,
 * so unsigned text can never travel alongside signed text.
 */
export async function readClearsigned(text: string): Promise<ClearsignedDocument> {
  // Attacker-controlled: InRelease files and .sjson indexes come from upstream mirrors.
  if (text.trim() === '') throw new AirlockError('SIGNATURE_MISSING', 'the clearsigned document is empty');
  const begins = [...text.matchAll(SIGNED_MESSAGE_LINE)];
  if (begins.length === 0) throw new AirlockError('SIGNATURE_MISSING', 'the document is not clearsigned (no "BEGIN PGP SIGNED MESSAGE" line)');
  const signatureBegins = [...text.matchAll(SIGNATURE_BEGIN_LINE)];
  const ends = [...text.matchAll(SIGNATURE_END_LINE)];
  const [begin] = begins;
  const [signatureBegin] = signatureBegins;
  const [end] = ends;
  const single = begins.length === 1 && signatureBegins.length === 1 && ends.length === 1;
  if (!single || !begin || !signatureBegin || !end || !(begin.index < signatureBegin.index && signatureBegin.index < end.index)) {
    throw new AirlockError('SIGNATURE_INVALID', 'the clearsigned document must hold exactly one signed block and one signature');
  }
  const outside = text.slice(0, begin.index) + text.slice(end.index + end[0].length);
  if (outside.trim() !== '') throw new AirlockError('SIGNATURE_INVALID', 'the clearsigned document has unsigned text around the signed block');
  if (armorIsEmpty(text.slice(signatureBegin.index))) throw new AirlockError('SIGNATURE_MISSING', 'the clearsigned document has an empty signature block');
  let message: CleartextMessage;
  try {
    message = await readCleartextMessage({ cleartextMessage: text });
  } catch (err) {
    throw new AirlockError('SIGNATURE_INVALID', `the clearsigned document cannot be read: ${reason(err)}`, { cause: err });
  }
  // openpgp.js keeps the parsed signature on the message but does not declare it in its types.
  const { signature } = message as unknown as { signature: Signature };
  const signedText = message.getText();
  return { signedText, body: `${signedText}\n`, packets: checkedPackets([...signature.packets]) };
}
