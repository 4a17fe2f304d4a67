import type { Keyring } from '@airlock/pgp';
import { parseRelease, type ParsedRelease } from './release.js';
import type { CarriedRelease } from './types.js';

/**
 * Checks the upstream signature over a Release (InRelease, or Release + Release.gpg) and parses
 * only the signed text. Throws SIGNATURE_INVALID / SIGNER_UNTRUSTED from @airlock/pgp.
 */
export async function verifyRelease(release: CarriedRelease, keyring: Keyring, label: string): Promise<ParsedRelease> {
  if (release.kind === 'inrelease') {
    const { body } = await keyring.verifyClearsigned(release.text);
    return parseRelease(body, label);
  }
  await keyring.verifyDetached(Buffer.from(release.text, 'utf8'), Buffer.from(release.signatureBase64, 'base64'));
  return parseRelease(release.text, label);
}
