import { AirlockError, digestHex, type ImportContext } from '@airlock/core';
import { Keyring } from '@airlock/pgp';
import { compressionOf, decompressed } from './decompress.js';
import { readStanzas } from './deb822.js';
import { parseAptCatalog } from './parse-catalog.js';
import type { AptCatalog } from './types.js';
import { verifyRelease } from './verify-release.js';

/**
 * Offline proof that the carried packages are what upstream signed: the carried Release verifies
 * against the archive keys this site pins for the source (the keyring the catalog carries is only
 * an offer: pinned on the source's first import, refused with UPSTREAM_KEY_CHANGED when it brings
 * a key the site has not accepted, merged when it updates a pinned key);
 * every carried Packages blob is the one that Release lists (the vault already checked its bytes
 * against that digest); and every carried stanza occurs verbatim in that Packages file, so each
 * .deb's SHA256 and Size are the ones upstream signed. Valid-Until is checked at export, not
 * here: a bundle may spend weeks in transit, and the bundle has its own expiry.
 */
export async function reverifyApt(catalog: AptCatalog, ctx: ImportContext): Promise<void> {
  const { keyring: armored, dists } = parseAptCatalog(catalog);
  const keyring = await Keyring.fromKeys(await ctx.upstream.openpgpKeys([armored], `the archive keyring of apt/${ctx.sourceName}`));
  for (const dist of dists) {
    const label = `apt/${ctx.sourceName} ${dist.suite}`;
    const release = await verifyRelease(dist.release, keyring, `${label} Release`);
    ctx.upstream.notOlderThanSeen(`release:${dist.suite}`, release.date, `${label} Release`);
    for (const index of dist.indexes) {
      const listed = release.files.get(index.path);
      if (listed === undefined || listed.sha256 !== digestHex(index.digest) || listed.size !== index.size) {
        throw new AirlockError('UPSTREAM_INVALID', `${label}: ${index.path} is not the index the signed Release lists`, { details: { path: index.path } });
      }
      if (index.stanzas.length === 0) continue;
      const pending = new Set(index.stanzas);
      const openSize = release.files.get(index.path.replace(/\.(gz|xz)$/, ''))?.size;
      const stream = decompressed(await ctx.vault.open(index.digest), compressionOf(index.path), `${label} ${index.path}`, openSize);
      for await (const stanza of readStanzas(stream, `${label} ${index.path}`)) {
        pending.delete(stanza);
        if (pending.size === 0) break;
      }
      stream.destroy();
      if (pending.size > 0) {
        const first = [...pending][0]?.split('\n')[0] ?? '';
        throw new AirlockError('UPSTREAM_INVALID', `${label}: ${pending.size} carried stanza(s) are not in the signed ${index.path} (first: ${first}); the catalog was altered`, {
          details: { path: index.path, count: pending.size },
        });
      }
    }
  }
}
