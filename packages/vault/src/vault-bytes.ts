import { Readable } from 'node:stream';
import { AirlockError, digestsEqual, sha256Digest, type Digest, type VaultReader } from '@airlock/core';
import type { IngestResult, Vault } from './vault.js';

/**
 * Stores bytes the site made itself (a merged catalog) under their digest, through the same
 * verified write as bundle content. Storing bytes that are already there is a no-op.
 */
export async function putBytes(vault: Vault, bytes: Uint8Array, label: string): Promise<{ digest: Digest; result: IngestResult }> {
  const digest = sha256Digest(bytes);
  const result = await vault.ingest(Readable.from([Buffer.from(bytes)]), { digest, size: bytes.length, label });
  return { digest, result };
}

/** Reads a small blob and checks it against its digest, so a damaged vault file is never trusted. */
export async function readVerifiedBytes(vault: VaultReader, digest: Digest, maxBytes: number, label: string): Promise<Buffer> {
  const bytes = await vault.readBytes(digest, maxBytes);
  if (!digestsEqual(sha256Digest(bytes), digest)) {
    throw new AirlockError('DIGEST_MISMATCH', `${label} (${digest}) in the vault no longer matches its digest: the vault file was damaged or changed; move it away (under vault/sha256/) and import a bundle that carries it (airlock export --full)`, {
      details: { digest },
    });
  }
  return bytes;
}
