import { AirlockError, isAirlockError, isRecord } from '@airlock/core';
import type { Keyring } from '@airlock/pgp';

/** Upper bound for one index or products document (images.maas.io's largest is a few MB). */
export const MAX_DOCUMENT_BYTES = 64 << 20;

const SIGNED_HEADER = '-----BEGIN PGP SIGNED MESSAGE-----';
const SIGNATURE_HEADER = '-----BEGIN PGP SIGNATURE-----';

export interface ReadDocument {
  data: Record<string, unknown>;
  /** Primary fingerprint of the verified signer, or null for an unsigned (insecure) document. */
  signer: string | null;
}

/** python simplestreams' test (util.read_signed): a signed document starts with the armor header. */
export function isClearsigned(text: string): boolean {
  return text.startsWith(SIGNED_HEADER);
}

export function decodeText(bytes: Uint8Array, label: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    throw new AirlockError('UPSTREAM_INVALID', `${label} is not UTF-8 text`, { cause: err });
  }
}

/** Parses a document's JSON (attacker-controlled): a syntax error or a non-object is UPSTREAM_INVALID. */
export function parseJsonObject(text: string, label: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new AirlockError('UPSTREAM_INVALID', `${label} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (!isRecord(data)) throw new AirlockError('UPSTREAM_INVALID', `${label} must hold a JSON object`);
  return data;
}

/**
 * Verifies a document before its JSON is parsed. A clearsigned one must verify against `keyring`;
 * an unsigned one is refused (UPSTREAM_UNSIGNED) unless `insecure`. With `insecure` and no
 * keyring, signatures are not checked at all.
 */
export async function readDocument(text: string, keyring: Keyring | undefined, insecure: boolean, label: string): Promise<ReadDocument> {
  if (!isClearsigned(text)) {
    if (!insecure) {
      throw new AirlockError('UPSTREAM_UNSIGNED', `${label} is not clearsigned; airlock mirrors only signed streams (set insecure: true to accept unsigned ones, at your own risk)`, {
        details: { document: label },
      });
    }
    return { data: parseJsonObject(text, label), signer: null };
  }
  if (keyring === undefined) {
    if (!insecure) throw new AirlockError('INTERNAL', `${label}: no keyring to verify with`);
    return { data: parseJsonObject(clearsignedBody(text, label), label), signer: null };
  }
  try {
    const checked = await keyring.verifyClearsigned(text);
    return { data: parseJsonObject(checked.body, label), signer: checked.fingerprint };
  } catch (err) {
    if (isAirlockError(err) && err.code !== 'UPSTREAM_INVALID') throw new AirlockError(err.code, `${label}: ${err.message}`, { cause: err, details: err.details });
    throw err;
  }
}

/**
 * The signed text of a clearsigned document, dash-unescaped, WITHOUT checking the signature: only
 * for documents whose exact bytes were verified before (vault blobs that reverify checked).
 */
export function clearsignedBody(text: string, label: string): string {
  const lines = text.split(/\r?\n/);
  if (lines[0]?.trimEnd() !== SIGNED_HEADER) throw new AirlockError('UPSTREAM_INVALID', `${label} is not clearsigned`);
  let i = 1;
  while (i < lines.length && lines[i]?.trim() !== '') i++;
  const end = lines.findIndex((line, n) => n > i && line.trimEnd() === SIGNATURE_HEADER);
  if (end < 0) throw new AirlockError('UPSTREAM_INVALID', `${label} has no signature block`);
  return lines
    .slice(i + 1, end)
    .map((line) => (line.startsWith('- ') ? line.slice(2) : line))
    .join('\n');
}
