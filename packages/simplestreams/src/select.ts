import { AirlockError, isRecord, type Digest } from '@airlock/core';
import { matchesAll, type Filter } from './filters.js';
import { flattenItems, type TreeItem } from './products-tree.js';
import { unsafePathReason } from './safe-path.js';
import type { CarriedItem, CarriedVersion, StreamKind } from './types.js';

export interface Selection {
  filters: Filter[];
  max: number;
}

/** Sorted as plain strings (LANG=C), newest last, as simplestreams and MAAS order versions. */
export function byVersionName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A product with `bootloader-type` is a bootloader (MAAS's BootloaderProduct); everything else is an image. */
export function productKind(product: Record<string, unknown>): StreamKind {
  return 'bootloader-type' in product ? 'bootloaders' : 'images';
}

/**
 * sstream-mirror's selection over one verified products document: items that fail a filter are
 * dropped first (so empty versions and products go too), then each product keeps its newest
 * `max` versions. Bootloader products use their own filters and max.
 */
export function selectVersions(doc: Record<string, unknown>, document: Digest, contentId: string, images: Selection, bootloaders: Selection | false, label: string): CarriedVersion[] {
  const products = isRecord(doc.products) ? doc.products : {};
  const kept = new Map<string, { kind: StreamKind; items: TreeItem[] }>();
  for (const item of flattenItems(doc, label)) {
    const kind = productKind(products[item.product] as Record<string, unknown>);
    const selection = kind === 'bootloaders' ? bootloaders : images;
    if (selection === false || !matchesAll(selection.filters, item.flat)) continue;
    const key = JSON.stringify([item.product, item.version]);
    const entry = kept.get(key) ?? { kind, items: [] };
    entry.items.push(item);
    kept.set(key, entry);
  }
  const byProduct = new Map<string, string[]>();
  for (const key of kept.keys()) {
    const [product, version] = JSON.parse(key) as [string, string];
    byProduct.set(product, [...(byProduct.get(product) ?? []), version]);
  }
  const result: CarriedVersion[] = [];
  for (const [product, versions] of [...byProduct].sort(([a], [b]) => byVersionName(a, b))) {
    const first = kept.get(JSON.stringify([product, versions[0]]));
    const max = first?.kind === 'bootloaders' && bootloaders !== false ? bootloaders.max : images.max;
    for (const version of versions.sort(byVersionName).slice(-max)) {
      const entry = kept.get(JSON.stringify([product, version]))!;
      const items = entry.items.map((i) => carriedItem(i, `${label} ${product} ${version}`)).sort((a, b) => byVersionName(a.name, b.name));
      result.push({ contentId, kind: entry.kind, product, version, document, items });
    }
  }
  return result;
}

/** An item's flattened ftype, path, sha256 and size; airlock ships only what it can verify. */
function carriedItem(item: TreeItem, label: string): CarriedItem {
  const { flat } = item;
  const at = `${label} item ${JSON.stringify(item.item)}`;
  const reason = unsafePathReason(flat.path);
  if (reason !== undefined) throw new AirlockError('UPSTREAM_INVALID', `${at}: path ${JSON.stringify(flat.path ?? '')} ${reason}; refusing an unsafe item path`, { details: { path: flat.path } });
  const sha256 = flat.sha256?.toLowerCase();
  if (sha256 === undefined || !/^[0-9a-f]{64}$/.test(sha256)) throw new AirlockError('UPSTREAM_INVALID', `${at} has no sha256, so its bytes cannot be verified`);
  const size = Number(flat.size);
  if (flat.size === undefined || !/^\d+$/.test(flat.size) || !Number.isSafeInteger(size)) throw new AirlockError('UPSTREAM_INVALID', `${at} has no whole-number size`);
  if (flat.ftype === undefined || flat.ftype === '') throw new AirlockError('UPSTREAM_INVALID', `${at} has no ftype`);
  return { name: item.item, ftype: flat.ftype, path: flat.path!, sha256, size };
}

/** One file per path: a path listed with two different sha256/size values is refused. */
export function checkSharedPaths(items: Iterable<{ item: CarriedItem; where: string }>): void {
  const seen = new Map<string, { sha256: string; size: number; where: string }>();
  for (const { item, where } of items) {
    const before = seen.get(item.path);
    if (before === undefined) seen.set(item.path, { sha256: item.sha256, size: item.size, where });
    else if (before.sha256 !== item.sha256 || before.size !== item.size) {
      throw new AirlockError('UPSTREAM_INVALID', `${item.path} is listed with two different sha256/size values (${before.where} and ${where}); one path can hold only one file`, {
        details: { path: item.path, first: before.where, second: where },
      });
    }
  }
}
