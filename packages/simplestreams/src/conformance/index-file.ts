import { isRecord } from '@airlock/core';
import { unsafePathReason } from '../safe-path.js';
import { entries, Findings, updatedField } from './fields.js';

export interface IndexReport {
  problems: string[];
  /** content_id → the products file path and product names the entry lists. */
  entries: Map<string, { path: string; products: string[] }>;
}

/**
 * Checks an index (`index:1.0`) for both clients: MAAS 3.8's SimpleStreamsIndexList (top-level
 * `updated`; every entry with path, updated and products[]; datatype image-ids or image-downloads)
 * and python simplestreams, which follows only `products:1.0` entries and, in signed mode, reads
 * every path as a clearsigned `.sjson`.
 */
export function checkIndexFile(data: unknown, options: { signed: boolean }): IndexReport {
  const out = new Findings();
  const found = new Map<string, { path: string; products: string[] }>();
  if (!isRecord(data)) return { problems: ['(root): must be a JSON object'], entries: found };
  if (data.format !== 'index:1.0') out.add('(root)', '"format" must be "index:1.0"');
  updatedField(data, '(root)', out);
  for (const [contentId, entry] of entries(data, 'index', '(root)', out)) {
    const at = `index ${contentId}`;
    if (entry.format !== 'products:1.0') out.add(at, '"format" must be "products:1.0" (python simplestreams only follows those)');
    if (entry.datatype !== undefined && entry.datatype !== 'image-ids' && entry.datatype !== 'image-downloads') out.add(at, '"datatype" must be image-ids or image-downloads');
    updatedField(entry, at, out);
    const path = entry.path;
    const reason = metadataPathReason(path);
    if (reason !== undefined) out.add(at, `"path" ${reason}`);
    else if (!(path as string).endsWith(options.signed ? '.sjson' : '.json')) out.add(at, `"path" must end in ${options.signed ? '.sjson in a signed index' : '.json in an unsigned index'}`);
    const products = entry.products;
    if (!Array.isArray(products) || !products.every((p) => typeof p === 'string')) out.add(at, '"products" must be a list of product names');
    if (typeof path === 'string' && Array.isArray(products)) found.set(contentId, { path, products: products.filter((p): p is string => typeof p === 'string') });
  }
  return { problems: out.lines, entries: found };
}

/** A products file path: relative, under streams/, with plain segments. */
export function metadataPathReason(path: unknown): string | undefined {
  if (typeof path !== 'string' || !path.startsWith('streams/')) return 'must be a relative path under streams/';
  return unsafePathReason(`x/${path}`);
}
