import { AirlockError, type ImportContext } from '@airlock/core';
import { MANIFEST_LIMIT, parseManifest } from './media-types.js';
import type { OciCatalog } from './types.js';

/**
 * Offline: every blob the catalog names must be in the vault, and every manifest must reference only
 * carried blobs (an index may name platforms the export filtered out, but at least one must be carried).
 */
export async function reverifyOci(catalog: OciCatalog, ctx: ImportContext): Promise<void> {
  const blobs = new Set(catalog.blobs.map((b) => b.digest));
  const manifests = new Set(catalog.manifests.map((m) => m.digest));
  for (const entry of [...catalog.manifests, ...catalog.blobs]) {
    if (!(await ctx.vault.has(entry.digest))) {
      throw new AirlockError('BLOB_MISSING', `oci/${ctx.sourceName}: the catalog names ${entry.digest} but the vault does not hold it; import the bundle that carries it`, {
        details: { digest: entry.digest },
      });
    }
  }
  for (const entry of catalog.manifests) {
    const bytes = await ctx.vault.readBytes(entry.digest, MANIFEST_LIMIT);
    const parsed = parseManifest(bytes, entry.mediaType, `${ctx.sourceName}@${entry.digest}`);
    const missing =
      parsed.kind === 'index'
        ? parsed.children.some((c) => manifests.has(c.digest))
          ? undefined
          : parsed.children[0]?.digest
        : [parsed.config, ...parsed.layers].find((d) => !blobs.has(d.digest))?.digest;
    if (missing !== undefined || (parsed.kind === 'index' && parsed.children.length === 0)) {
      throw new AirlockError('BLOB_MISSING', `oci/${ctx.sourceName}: manifest ${entry.digest} references ${missing ?? 'nothing'} which the catalog does not carry; the bundle is inconsistent`, {
        details: { manifest: entry.digest, missing },
      });
    }
  }
}
