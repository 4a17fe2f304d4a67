import { join } from 'node:path';
import { failpoint, sha256Hex, writeFileAtomic } from '@airlock/core';
import type { Manifest } from './manifest-types.js';
import { SHA256SUMS_FILE, SIGNATURE_SUFFIX, manifestFileName } from './names.js';
import { serializeManifest } from './serialize-manifest.js';
import { formatSha256Sums } from './sums.js';
import { validateManifest } from './validate-manifest.js';

/**
 * Writes the signed files of a bundle beside its volumes: SHA256SUMS and its signature, the
 * manifest signature, and the manifest itself last, so a directory with a manifest is complete.
 * Everything is signed before anything is written. Returns the sha256 (hex) of the manifest bytes.
 */
export async function writeBundleFiles(dir: string, m: Manifest, sign: (data: Buffer) => Promise<string>): Promise<{ manifestSha256: string }> {
  const manifest = validateManifest(m);
  const name = manifestFileName(manifest.id);
  const bytes = Buffer.from(serializeManifest(manifest), 'utf8');
  const manifestSha256 = sha256Hex(bytes);
  const sums = Buffer.from(
    formatSha256Sums([{ name, sha256: manifestSha256 }, ...manifest.volumes.map((v) => ({ name: v.name, sha256: v.sha256 }))]),
    'utf8',
  );
  const sumsSignature = await sign(sums);
  const manifestSignature = await sign(bytes);
  await writeFileAtomic(join(dir, SHA256SUMS_FILE), sums);
  failpoint('bundle:sums-written');
  await writeFileAtomic(join(dir, `${SHA256SUMS_FILE}${SIGNATURE_SUFFIX}`), sumsSignature);
  failpoint('bundle:sums-signed');
  await writeFileAtomic(join(dir, `${name}${SIGNATURE_SUFFIX}`), manifestSignature);
  failpoint('bundle:manifest-signed');
  await writeFileAtomic(join(dir, name), bytes);
  return { manifestSha256 };
}
