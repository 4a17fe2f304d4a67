import { AirlockError, type Digest, type ErrorCode } from '@airlock/core';
import { checkProductsFile } from './conformance/products-file.js';
import { CUSTOM_CONTENT_ID, renderCustom, renderProducts, type Json } from './render.js';
import type { CarriedVersion, SimplestreamsCatalog } from './types.js';

export interface RenderedProducts {
  contentId: string;
  datatype: string;
  data: Record<string, Json>;
}

/**
 * Every products file the site publishes for `catalog`, one per content id that kept anything
 * (an empty products file makes MAAS 3.8 refuse the whole sync, so none is written).
 * `bodyOf` gives the verified JSON of a carried upstream products document.
 */
export function renderMirror(catalog: SimplestreamsCatalog, bodyOf: (digest: Digest) => Record<string, unknown> | undefined, updated: string): RenderedProducts[] {
  const byContent = new Map<string, CarriedVersion[]>();
  for (const v of catalog.versions) byContent.set(v.contentId, [...(byContent.get(v.contentId) ?? []), v]);
  const files: RenderedProducts[] = [];
  for (const [contentId, versions] of [...byContent].sort(([a], [b]) => (a < b ? -1 : 1))) {
    // Several upstream documents may contribute (older versions kept from earlier bundles): the
    // newest one supplies the file-level fields, each version its own product metadata.
    const merged = mergeBodies(versions, catalog, bodyOf);
    const data = renderProducts(merged, versions, updated);
    files.push({ contentId, datatype: data.datatype as string, data });
  }
  if (catalog.custom.length > 0) files.push({ contentId: CUSTOM_CONTENT_ID, datatype: 'image-ids', data: renderCustom(catalog.custom, updated) });
  return files;
}

/**
 * Renders and checks every products file with the MAAS 3.8 / python simplestreams conformance
 * rules; a file a client would refuse is an error with `code`. Returns the products MAAS skips.
 */
export function checkRendered(catalog: SimplestreamsCatalog, bodyOf: (digest: Digest) => Record<string, unknown> | undefined, code: ErrorCode, updated = 'Thu, 01 Jan 2026 00:00:00 +0000'): string[] {
  const warnings: string[] = [];
  for (const file of renderMirror(catalog, bodyOf, updated)) {
    const report = checkProductsFile(file.data);
    if (report.problems.length > 0) {
      throw new AirlockError(code, `the products file for ${file.contentId} would be refused by MAAS 3.8 or sstream-mirror (did a filter drop items a version needs, e.g. ftype filters?):\n  ${report.problems.slice(0, 20).join('\n  ')}`, {
        details: { contentId: file.contentId, problems: report.problems },
      });
    }
    warnings.push(...report.ignored.map((line) => `MAAS will not import ${line}`));
  }
  return warnings;
}

function mergeBodies(versions: CarriedVersion[], catalog: SimplestreamsCatalog, bodyOf: (digest: Digest) => Record<string, unknown> | undefined): Record<string, unknown> {
  const docs = [...new Set(versions.map((v) => v.document))].map((digest) => {
    const body = bodyOf(digest);
    if (body === undefined) throw new AirlockError('INTERNAL', `products document ${digest} was not loaded`);
    const carried = catalog.documents.find((d) => d.digest === digest);
    return { body, current: carried?.current === true, updated: carried?.updated ?? '' };
  });
  const newest = docs.find((d) => d.current) ?? docs[docs.length - 1]!;
  const products: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  // Each version's product metadata comes from the document it was selected from.
  for (const v of versions) {
    const body = bodyOf(v.document)!;
    const upstream = (body.products as Record<string, Record<string, unknown>>)[v.product]!;
    const have = products[v.product] as Record<string, unknown> | undefined;
    const versionsOf = { ...((have?.versions as Record<string, unknown> | undefined) ?? {}), [v.version]: (upstream.versions as Record<string, unknown>)[v.version] };
    // Product-level fields: the current document's wins (newer support_eol, titles).
    const base = v.document === newestDigest(versions, catalog) || have === undefined ? upstream : have;
    products[v.product] = { ...base, versions: versionsOf };
  }
  return { ...newest.body, products };
}

function newestDigest(versions: CarriedVersion[], catalog: SimplestreamsCatalog): Digest | undefined {
  const current = versions.find((v) => catalog.documents.some((d) => d.digest === v.document && d.current));
  return current?.document;
}
