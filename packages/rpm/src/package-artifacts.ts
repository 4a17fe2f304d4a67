import { rename, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Artifact, BlobSource, ExportContext } from '@airlock/core';
import type { Keyring } from '@airlock/pgp';
import { verifyPackageSignature } from './package-signature.js';
import type { CatalogPackage } from './types.js';

/**
 * The .rpm artifacts of a catalog. With gpgcheck, each one the bundle carries is downloaded and
 * its header signature checked before it may enter the bundle, so a package the vendor did not
 * sign fails the export (and the site checks again, with its own pinned keys).
 */
export function packageArtifacts(packages: CatalogPackage[], baseUrl: string, ctx: ExportContext, signedBy: Keyring | null): Artifact[] {
  return packages.map((p) => {
    const urls = [new URL(p.href, baseUrl).toString()];
    const label = basename(p.href);
    const source: BlobSource = signedBy
      ? { kind: 'download', download: (dest, onProgress) => downloadSigned(ctx, urls, dest, p, signedBy, label, onProgress) }
      : { kind: 'url', urls };
    return { digest: p.digest, size: p.size, source, label };
  });
}

async function downloadSigned(ctx: ExportContext, urls: string[], dest: string, p: CatalogPackage, keyring: Keyring, label: string, onProgress?: (bytes: number) => void): Promise<void> {
  const unverified = `${dest}.unverified`;
  try {
    await ctx.fetcher.download(urls, unverified, { expected: { digest: p.digest, size: p.size }, label, ...(onProgress ? { onProgress } : {}) });
    await verifyPackageSignature(unverified, keyring, `rpm/${ctx.sourceName} ${label}`);
    await rename(unverified, dest);
  } finally {
    await rm(unverified, { force: true });
  }
}
