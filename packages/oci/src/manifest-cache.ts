import { join } from 'node:path';
import { digestHex, sha256Digest, writeFileAtomic, type Digest } from '@airlock/core';

/** Stores manifest bytes by digest in the export cache so they can ship as plain files. */
export async function cacheManifest(cacheDir: string, bytes: Buffer): Promise<{ digest: Digest; path: string }> {
  const digest = sha256Digest(bytes);
  const path = join(cacheDir, 'manifests', digestHex(digest));
  await writeFileAtomic(path, bytes);
  return { digest, path };
}
