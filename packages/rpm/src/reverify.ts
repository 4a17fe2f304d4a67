import { AirlockError, type ImportContext } from '@airlock/core';
import { openDecompressed } from './decompress.js';
import { checkAgainstRepomd } from './metadata-file.js';
import { parsePrimary } from './parse-primary.js';
import { parseRepomd } from './repomd.js';
import { siteKeyring, verifyPackageSignatures, verifyRepomdSignature } from './upstream-signatures.js';
import type { PrimaryPackage, RpmCatalog } from './types.js';

/**
 * Offline re-check of upstream provenance, with the repo keys this site pins for the source (the
 * catalog's gpgkeys are only an offer, see UpstreamTrust): repomd.xml's signature (repoGpgcheck),
 * every carried metadata file against repomd.xml, every chosen package against the carried
 * primary.xml (pkgid, location, size, NEVRA), and each package's own signature (gpgcheck). The
 * vault already guarantees each blob matches its sha256. An unsigned (insecure) catalog is
 * published with a loud warning, unless the site pins keys for the source: then it is a
 * downgrade, refused.
 */
export async function reverifyRpm(catalog: RpmCatalog, ctx: ImportContext): Promise<void> {
  const repomd = Buffer.from(catalog.repomd, 'base64');
  const keyring = await siteKeyring(catalog, ctx);
  if (keyring && catalog.repoGpgcheck) await verifyRepomdSignature(catalog, repomd, keyring, ctx);
  const entries = parseRepomd(repomd.toString('utf8'));
  for (const carried of catalog.metadata) {
    const entry = entries.find((e) => e.type === carried.type && e.href === carried.href);
    if (!entry) throw new AirlockError('UPSTREAM_INVALID', `rpm/${ctx.sourceName}: ${carried.href} is not listed in the carried repomd.xml`);
    await checkAgainstRepomd(await ctx.vault.open(carried.digest), entry);
  }

  const primary = catalog.metadata.find((m) => m.type === 'primary');
  if (!primary) throw new AirlockError('UPSTREAM_INVALID', `rpm/${ctx.sourceName}: the catalog carries no primary metadata`);
  const wanted = new Map(catalog.packages.map((p) => [p.digest, p]));
  const found = new Map<string, PrimaryPackage>();
  const primaryEntry = entries.find((e) => e.type === 'primary' && e.href === primary.href);
  await parsePrimary(openDecompressed(await ctx.vault.pathOf(primary.digest), primary.href, primaryEntry?.openSize), (pkg) => {
    const digest = `sha256:${pkg.checksum}`;
    if (pkg.checksumType === 'sha256' && wanted.has(digest as `sha256:${string}`)) found.set(digest, pkg);
  });
  for (const chosen of catalog.packages) {
    const upstream = found.get(chosen.digest);
    const same =
      upstream !== undefined && upstream.href === chosen.href && upstream.size === chosen.size && upstream.name === chosen.name &&
      upstream.arch === chosen.arch && upstream.epoch === chosen.epoch && upstream.version === chosen.version && upstream.release === chosen.release;
    if (!same) {
      throw new AirlockError('UPSTREAM_INVALID', `rpm/${ctx.sourceName}: ${chosen.href} (${chosen.digest}) is not in the signed upstream primary.xml as the catalog describes it: the bundle was built from altered metadata`, {
        details: { href: chosen.href, digest: chosen.digest },
      });
    }
  }
  if (keyring && catalog.gpgcheck) await verifyPackageSignatures(catalog, keyring, ctx);
}
