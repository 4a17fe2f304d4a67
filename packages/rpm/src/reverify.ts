import { AirlockError, type ImportContext } from '@airlock/core';
import { Keyring } from '@airlock/pgp';
import { openDecompressed } from './decompress.js';
import { checkAgainstRepomd } from './metadata-file.js';
import { parsePrimary } from './parse-primary.js';
import { parseRepomd } from './repomd.js';
import { insecureWarning } from './insecure.js';
import { keyData } from './upstream-keys.js';
import type { PrimaryPackage, RpmCatalog } from './types.js';

/**
 * Offline re-check of upstream provenance: repomd.xml against the repo keys this site pins for the
 * source (the catalog's gpgkeys are only an offer, see UpstreamTrust), every carried metadata file
 * against repomd.xml, and every chosen package against the carried primary.xml (pkgid, location,
 * size, NEVRA). The vault already guarantees each blob matches its sha256, so a package's bytes
 * are tied to the upstream signature. An unsigned (insecure) catalog is published with a loud
 * warning, unless the site pins keys for the source: then it is a downgrade, refused.
 */
export async function reverifyRpm(catalog: RpmCatalog, ctx: ImportContext): Promise<void> {
  const repomd = Buffer.from(catalog.repomd, 'base64');
  await verifyRepomd(catalog, repomd, ctx);
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
  await parsePrimary(openDecompressed(await ctx.vault.pathOf(primary.digest), primary.href), (pkg) => {
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
}

async function verifyRepomd(catalog: RpmCatalog, repomd: Buffer, ctx: ImportContext): Promise<void> {
  const purpose = `the repomd.xml signing key(s) of rpm/${ctx.sourceName}`;
  if (!catalog.repoGpgcheck) {
    if ((await ctx.upstream.openpgpKeys([], purpose)).length > 0) {
      throw new AirlockError('UPSTREAM_UNSIGNED', `rpm/${ctx.sourceName} arrives unsigned (insecure: true at export), but this site pins repo keys for it: refusing the downgrade. If the repo really is unsigned now, drop the pins with: airlock trust upstream remove rpm/${ctx.sourceName}`, {
        details: { source: `rpm/${ctx.sourceName}` },
      });
    }
    ctx.progress.warn(insecureWarning(ctx.sourceName));
    return;
  }
  if (!catalog.repomdAsc) throw new AirlockError('SIGNATURE_MISSING', `rpm/${ctx.sourceName}: the catalog has no repomd.xml.asc although repoGpgcheck was on`);
  const keyring = await Keyring.fromKeys(await ctx.upstream.openpgpKeys(catalog.gpgkeys.map(keyData), purpose));
  await keyring.verifyDetached(repomd, Buffer.from(catalog.repomdAsc, 'base64'));
}
