import { createHash } from 'node:crypto';
import { DigestSet } from './digest-set.js';
import { AirlockError } from './errors.js';

/** A content digest in OCI form: `sha256:<64 lowercase hex>`. */
export type Digest = `sha256:${string}`;

const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;
const HEX_RE = /^[0-9a-f]{64}$/;

export function isDigest(value: unknown): value is Digest {
  return typeof value === 'string' && DIGEST_RE.test(value);
}

export function isSha256Hex(value: unknown): value is string {
  return typeof value === 'string' && HEX_RE.test(value);
}

export function parseDigest(value: string): Digest {
  if (!isDigest(value)) throw new AirlockError('MANIFEST_INVALID', `not a sha256 digest: ${JSON.stringify(value)}`);
  return value;
}

export function digestHex(digest: Digest): string {
  return digest.slice('sha256:'.length);
}

export function hexToDigest(hex: string): Digest {
  if (!isSha256Hex(hex)) throw new AirlockError('MANIFEST_INVALID', `not a sha256 hex string: ${JSON.stringify(hex)}`);
  return `sha256:${hex}`;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function sha256Digest(data: string | Uint8Array): Digest {
  return `sha256:${sha256Hex(data)}`;
}

/** Constant-time comparison for digests and hex strings of equal length. */
export function digestsEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  // Every code unit is compared whatever differs first; no buffers (a volume checks 100,000s of these).
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/** Hashes a file as a stream: never loads it whole. */
export async function hashFile(path: string): Promise<{ digest: Digest; size: number }> {
  const { digest, size } = await hashFileAlso(path, []);
  return { digest, size };
}

/** sha256 and the `also` algorithms (hex, by name) of a file, in one streaming pass. */
export async function hashFileAlso(path: string, also: readonly string[]): Promise<{ digest: Digest; size: number; hex: Record<string, string> }> {
  const digests = new DigestSet(also);
  const size = await digests.updateFromFile(path);
  return { digest: digests.digest(), size, hex: digests.hex() };
}
