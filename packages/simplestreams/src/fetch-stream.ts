import { join } from 'node:path';
import { AirlockError, digestHex, isRecord, sha256Digest, writeFileAtomic, type Digest, type ExportContext } from '@airlock/core';
import type { Keyring } from '@airlock/pgp';
import { metadataPathReason } from './conformance/index-file.js';
import { decodeText, MAX_DOCUMENT_BYTES, readDocument } from './documents.js';
import { matchesAll } from './filters.js';
import { dict, stringItems } from './products-tree.js';
import { mirrorUrl } from './safe-path.js';
import type { CarriedDocument, SimplestreamsSpec } from './types.js';
import { parseUpdated } from './updated.js';

export interface FetchedDocument {
  carried: CarriedDocument;
  data: Record<string, unknown>;
  /** The exact upstream bytes in the export cache, packed as the document's blob. */
  file: string;
}

export interface FetchedStream {
  index: FetchedDocument;
  products: FetchedDocument[];
}

/** Filters on these keys can be judged from an index entry, before its products file is fetched. */
const INDEX_LEVEL_KEYS = new Set(['content_id', 'datatype', 'format']);
const IMAGE_DATATYPES = new Set(['image-ids', 'image-downloads']);
export const CONTENT_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:+-]{0,199}$/;

/**
 * Fetches index.sjson, verifies it, then fetches and verifies each products file it lists that the
 * filters (images or bootloaders) can reach. Each document is verified before its JSON is read.
 */
export async function fetchStream(spec: SimplestreamsSpec, keyring: Keyring | undefined, ctx: ExportContext): Promise<FetchedStream> {
  const index = await fetchDocument(spec, keyring, ctx, spec.index.slice(spec.mirror.length), 'index', null);
  if (index.data.format !== 'index:1.0' || !isRecord(index.data.index)) {
    throw new AirlockError('UPSTREAM_INVALID', `${spec.index} is not a simplestreams index (format index:1.0 with an "index" object)`);
  }
  const top = dict();
  stringItems(index.data, top);
  const products: FetchedDocument[] = [];
  for (const [contentId, entry] of Object.entries(index.data.index)) {
    const at = `${spec.index} entry ${JSON.stringify(contentId)}`;
    if (!isRecord(entry)) throw new AirlockError('UPSTREAM_INVALID', `${at} must be an object`);
    if (entry.format !== 'products:1.0' || !IMAGE_DATATYPES.has(entry.datatype as string)) {
      ctx.progress.info(`simplestreams/${spec.name}: skipping ${contentId} (format ${String(entry.format)}, datatype ${String(entry.datatype)}: not boot images)`);
      continue;
    }
    if (!CONTENT_ID_RE.test(contentId)) throw new AirlockError('UPSTREAM_INVALID', `${at}: the content id cannot be a file name`);
    const reason = metadataPathReason(entry.path);
    if (reason !== undefined) throw new AirlockError('UPSTREAM_INVALID', `${at}: path ${reason}`, { details: { path: entry.path } });
    if (!reachable(spec, contentId, entry, top)) continue;
    products.push(await fetchDocument(spec, keyring, ctx, entry.path as string, 'products', contentId));
  }
  return { index, products };
}

function reachable(spec: SimplestreamsSpec, contentId: string, entry: Record<string, unknown>, top: Record<string, string>): boolean {
  const flat = dict(top);
  stringItems(entry, flat);
  flat.content_id = contentId;
  const judge = (filters: SimplestreamsSpec['filters']): boolean => matchesAll(filters.filter((f) => INDEX_LEVEL_KEYS.has(f.key)), flat);
  return judge(spec.filters) || (spec.bootloaders !== false && judge(spec.bootloaders.filters));
}

async function fetchDocument(spec: SimplestreamsSpec, keyring: Keyring | undefined, ctx: ExportContext, path: string, role: CarriedDocument['role'], contentId: string | null): Promise<FetchedDocument> {
  const url = mirrorUrl(spec.mirror, path);
  ctx.progress.info(`simplestreams/${spec.name}: ${path}`);
  const bytes = await ctx.fetcher.getBytes(url, { maxBytes: MAX_DOCUMENT_BYTES });
  const read = await readDocument(decodeText(bytes, url), keyring, spec.insecure, url);
  if (read.signer === null) ctx.progress.warn(`simplestreams/${spec.name}: ${url} was NOT signature-checked (insecure: true); the site will publish it under its own signature`);
  const updated = parseUpdated(read.data.updated);
  if (updated === undefined) throw new AirlockError('UPSTREAM_INVALID', `${url} has no valid "updated" date`);
  if (role === 'products' && read.data.content_id !== contentId) {
    throw new AirlockError('UPSTREAM_INVALID', `${url} has content_id ${JSON.stringify(read.data.content_id)} but the index lists it as ${JSON.stringify(contentId)}`);
  }
  const digest: Digest = sha256Digest(bytes);
  const file = join(ctx.cacheDir, 'documents', digestHex(digest));
  await writeFileAtomic(file, bytes);
  return {
    carried: { role, contentId, path, digest, size: bytes.length, signer: read.signer, updated: read.data.updated as string, current: true },
    data: read.data,
    file,
  };
}
