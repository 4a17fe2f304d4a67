import { basename } from 'node:path';
import { AirlockError, type ImportContext } from '@airlock/core';
import { Keyring } from '@airlock/pgp';
import { insecureWarning } from './insecure.js';
import { verifyPackageSignature } from './package-signature.js';
import { keyData } from './upstream-keys.js';
import type { RpmCatalog } from './types.js';

/**
 * The keys this site pins for the source, or null for an insecure catalog (neither repomd.xml nor
 * the packages signed), which is published with a loud warning, or refused as a downgrade
 * (UPSTREAM_UNSIGNED) when the site already pins keys for the source.
 */
export async function siteKeyring(catalog: RpmCatalog, ctx: ImportContext): Promise<Keyring | null> {
  const source = `rpm/${ctx.sourceName}`;
  const purpose = `the signing key(s) of ${source} (${[catalog.repoGpgcheck && 'repomd.xml', catalog.gpgcheck && 'packages'].filter(Boolean).join(' and ') || 'unsigned'})`;
  if (catalog.repoGpgcheck || catalog.gpgcheck) return Keyring.fromKeys(await ctx.upstream.openpgpKeys(catalog.gpgkeys.map(keyData), purpose));
  if ((await ctx.upstream.openpgpKeys([], purpose)).length > 0) {
    throw new AirlockError('UPSTREAM_UNSIGNED', `${source} arrives unsigned (insecure: true at export), but this site pins repo keys for it: refusing the downgrade. If the repo really is unsigned now, drop the pins with: airlock trust upstream remove ${source}`, {
      details: { source },
    });
  }
  ctx.progress.warn(insecureWarning(ctx.sourceName));
  return null;
}

export async function verifyRepomdSignature(catalog: RpmCatalog, repomd: Buffer, keyring: Keyring, ctx: ImportContext): Promise<void> {
  if (!catalog.repomdAsc) throw new AirlockError('SIGNATURE_MISSING', `rpm/${ctx.sourceName}: the catalog has no repomd.xml.asc although repoGpgcheck was on`);
  await keyring.verifyDetached(repomd, Buffer.from(catalog.repomdAsc, 'base64'));
}

/** gpgcheck: every chosen package's header signature, read from the vault (headers only). */
export async function verifyPackageSignatures(catalog: RpmCatalog, keyring: Keyring, ctx: ImportContext): Promise<void> {
  const task = ctx.progress.task(`rpm/${ctx.sourceName}: package signatures`, catalog.packages.length, 'items');
  try {
    for (const pkg of catalog.packages) {
      await verifyPackageSignature(await ctx.vault.pathOf(pkg.digest), keyring, `rpm/${ctx.sourceName} ${basename(pkg.href)}`);
      task.advance(1);
    }
  } finally {
    task.done();
  }
}
