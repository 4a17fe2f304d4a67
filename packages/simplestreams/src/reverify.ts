import { AirlockError, hexToDigest, isRecord, type Digest, type ImportContext } from '@airlock/core';
import { Keyring } from '@airlock/pgp';
import { checkIndexFile } from './conformance/index-file.js';
import { decodeText, MAX_DOCUMENT_BYTES, readDocument } from './documents.js';
import { parseSimplestreamsCatalog } from './parse-catalog.js';
import { flattenItems } from './products-tree.js';
import type { CarriedDocument, SimplestreamsCatalog } from './types.js';
import { parseUpdated } from './updated.js';

export const KEYRING_PURPOSE = 'MAAS image stream keyring';

/**
 * Offline proof that what the site will publish is what the image publisher signed: every carried
 * document verifies with the keys THE SITE pins for this source (never the catalog's own), the
 * current documents are not older than what the site accepted before (replay), the index lists
 * every current products file, and every carried item is, byte for byte in name, path, sha256 and
 * size, an item of the signed products file it came from. Every item blob must be in the vault.
 */
export async function reverifySimplestreams(catalog: SimplestreamsCatalog, ctx: ImportContext): Promise<void> {
  await verifyCatalog(catalog, ctx);
}

/** reverifySimplestreams, returning the verified products documents by digest. */
export async function verifyCatalog(catalog: SimplestreamsCatalog, ctx: ImportContext): Promise<Map<Digest, Record<string, unknown>>> {
  const parsed = parseSimplestreamsCatalog(catalog);
  const label = `simplestreams/${ctx.sourceName}`;
  // Asked even when the catalog offers no key (insecure): a key the site pinned before still
  // verifies every signed document, so switching the export to insecure cannot skip the check.
  const pinned = await ctx.upstream.openpgpKeys(parsed.keyring === null ? [] : [parsed.keyring], KEYRING_PURPOSE);
  const keyring = pinned.length === 0 ? undefined : await Keyring.fromKeys(pinned);
  const bodies = new Map<Digest, Record<string, unknown>>();
  for (const doc of parsed.documents) {
    const where = `${label} ${doc.path}`;
    const text = decodeText(await ctx.vault.readBytes(doc.digest, MAX_DOCUMENT_BYTES), where);
    if (keyring === undefined && !parsed.insecure) throw new AirlockError('UPSTREAM_UNSIGNED', `${where}: no upstream keyring to verify with`);
    const read = await readDocument(text, keyring, parsed.insecure, where);
    if (read.signer === null) ctx.progress.warn(`${where} carries no verified upstream signature (exported with insecure: true)`);
    checkDocument(doc, read.data, where, ctx);
    bodies.set(doc.digest, read.data);
  }
  checkIndexCoversProducts(parsed, bodies, label);
  for (const v of parsed.versions) {
    const where = `${label} ${v.product} ${v.version}`;
    const doc = bodies.get(v.document)!;
    const upstream = new Map(flattenItems(doc, where).filter((i) => i.product === v.product && i.version === v.version).map((i) => [i.item, i.flat]));
    for (const item of v.items) {
      const signed = upstream.get(item.name);
      const same = signed !== undefined && signed.path === item.path && signed.sha256?.toLowerCase() === item.sha256 && signed.size === String(item.size) && signed.ftype === item.ftype;
      if (!same) {
        throw new AirlockError('UPSTREAM_INVALID', `${where}: item ${item.name} (${item.path}) is not the one the signed products file lists; the catalog was altered`, {
          details: { product: v.product, version: v.version, item: item.name },
        });
      }
    }
  }
  for (const item of [...parsed.versions, ...parsed.custom].flatMap((v) => v.items)) {
    if (!(await ctx.vault.has(hexToDigest(item.sha256)))) {
      throw new AirlockError('BLOB_MISSING', `${label}: ${item.path} (sha256 ${item.sha256}) is not in the vault; import the bundle that carries it`, { details: { path: item.path } });
    }
  }
  return bodies;
}

function checkDocument(doc: CarriedDocument, data: Record<string, unknown>, where: string, ctx: ImportContext): void {
  const updated = parseUpdated(data.updated);
  if (updated === undefined || data.updated !== doc.updated) throw new AirlockError('UPSTREAM_INVALID', `${where}: its "updated" does not match the catalog`);
  if (doc.role === 'products' && data.content_id !== doc.contentId) throw new AirlockError('UPSTREAM_INVALID', `${where}: content_id ${JSON.stringify(data.content_id)} is not ${doc.contentId}`);
  if (doc.role === 'index' && (data.format !== 'index:1.0' || !isRecord(data.index))) throw new AirlockError('UPSTREAM_INVALID', `${where} is not a simplestreams index`);
  if (doc.current) ctx.upstream.notOlderThanSeen(doc.role === 'index' ? 'index' : `products:${doc.contentId}`, updated, where);
}

/** Each current products file must be the one the signed index points at for its content id. */
function checkIndexCoversProducts(catalog: SimplestreamsCatalog, bodies: Map<Digest, Record<string, unknown>>, label: string): void {
  const index = catalog.documents.find((d) => d.role === 'index')!;
  const signed = checkIndexFile(bodies.get(index.digest), { signed: index.path.endsWith('.sjson') });
  for (const doc of catalog.documents.filter((d) => d.role === 'products' && d.current)) {
    const entry = signed.entries.get(doc.contentId!);
    if (entry === undefined || entry.path !== doc.path) {
      throw new AirlockError('UPSTREAM_INVALID', `${label}: the signed index does not list ${doc.path} for ${doc.contentId}`, { details: { contentId: doc.contentId } });
    }
  }
}
