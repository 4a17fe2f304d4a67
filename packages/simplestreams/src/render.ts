import { isRecord } from '@airlock/core';
import { byVersionName } from './select.js';
import type { CarriedVersion, CustomVersion } from './types.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Top-level keys that describe the file, not the products (never inherited down). */
const STRUCTURAL = new Set(['content_id', 'datatype', 'format', 'updated', 'products', '_aliases', 'index']);
/** Fields that belong on items (meph2's sticky list plus size); pushed down when a stream condensed them. */
const ITEM_FIELDS = ['ftype', 'path', 'sha256', 'md5', 'sha512', 'size', 'kpackage', 'di_version', 'src_package', 'src_version', 'src_release'];

export const CUSTOM_CONTENT_ID = 'com.ubuntu.maas:airlock:custom-bases-download';
export const CUSTOM_PRODUCT_PREFIX = 'com.ubuntu.maas.airlock';

/**
 * A products file listing only `versions` (all from one content id), in the upstream expanded
 * shape: product metadata on the product (inherited top-level fields brought down), and ftype,
 * path, sha256 and integer size on every item. `doc` is the verified upstream products file.
 */
export function renderProducts(doc: Record<string, unknown>, versions: CarriedVersion[], updated: string): Record<string, Json> {
  const top = Object.entries(doc).filter(([key, value]) => !STRUCTURAL.has(key) && isScalar(value));
  const products = bag();
  const sourceProducts = isRecord(doc.products) ? doc.products : {};
  for (const v of [...versions].sort((a, b) => byVersionName(a.product, b.product) || byVersionName(a.version, b.version))) {
    const upstream = sourceProducts[v.product] as Record<string, unknown>;
    const product = (products[v.product] ??= { ...Object.fromEntries(top), ...without(upstream, 'versions'), versions: bag() }) as Record<string, Json>;
    const upstreamVersion = (upstream.versions as Record<string, Record<string, unknown>>)[v.version] ?? {};
    const items = bag();
    for (const item of v.items) {
      const upstreamItem = (upstreamVersion.items as Record<string, Record<string, unknown>> | undefined)?.[item.name] ?? {};
      const inherited = Object.fromEntries(ITEM_FIELDS.flatMap((key) => [upstreamVersion[key], upstream[key]].filter(isScalar).slice(0, 1).map((value) => [key, value])));
      items[item.name] = { ...inherited, ...(copy(upstreamItem) as Record<string, Json>), ftype: item.ftype, path: item.path, sha256: item.sha256, size: item.size };
    }
    (product.versions as Record<string, Json>)[v.version] = { ...without(upstreamVersion, 'items'), items };
  }
  return { content_id: v0(versions).contentId, datatype: doc.datatype === 'image-downloads' ? 'image-downloads' : 'image-ids', format: 'products:1.0', updated, products };
}

/** Custom images as single-file products (root-tgz + manifest), the shape MAAS 3.8 models for non-Ubuntu bases. */
export function renderCustom(versions: CustomVersion[], updated: string): Record<string, Json> {
  const products = bag();
  for (const v of [...versions].sort((a, b) => byVersionName(a.product, b.product) || byVersionName(a.version, b.version))) {
    const product = (products[v.product] ??= {
      arch: v.arch,
      label: 'stable',
      os: v.os,
      release: v.release,
      release_title: v.title,
      subarch: 'generic',
      subarches: 'generic',
      support_eol: v.supportEol,
      version: v.release,
      versions: bag(),
    }) as Record<string, Json>;
    const items = Object.assign(bag(), Object.fromEntries(v.items.map((i) => [i.name, { ftype: i.ftype, path: i.path, sha256: i.sha256, size: i.size }])));
    (product.versions as Record<string, Json>)[v.version] = { items };
  }
  return { content_id: CUSTOM_CONTENT_ID, datatype: 'image-ids', format: 'products:1.0', updated, products };
}

export interface IndexEntry {
  contentId: string;
  datatype: string;
  products: string[];
}

/** The index; `ext` is `.sjson` for index.sjson (every path signed) and `.json` for index.json. */
export function renderIndex(entries: IndexEntry[], updated: string, ext: '.json' | '.sjson'): Record<string, Json> {
  const index: Record<string, Json> = {};
  for (const e of entries) index[e.contentId] = { datatype: e.datatype, format: 'products:1.0', path: productsPath(e.contentId, ext), products: [...e.products].sort(byVersionName), updated };
  return { format: 'index:1.0', index, updated };
}

export function productsPath(contentId: string, ext: '.json' | '.sjson'): string {
  return `streams/v1/${contentId}${ext}`;
}

/**
 * Pretty JSON with sorted keys and a one-space indent, as upstream writes it: every line but the
 * outer braces starts with a space, so no line starts with `-` and clearsigning never dash-escapes
 * (MAAS 3.8 does not undo dash-escaping).
 */
export function prettyJson(value: Json): string {
  return `${JSON.stringify(sortKeys(value), null, 1)}\n`;
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort(byVersionName).map((key) => [key, sortKeys(value[key] as Json)]));
}

/** Upstream names (products, versions, items) become keys: a prototype-less object keeps `__proto__` a plain key. */
function bag(): Record<string, Json> {
  return Object.create(null) as Record<string, Json>;
}

function isScalar(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function without(obj: Record<string, unknown>, key: string): Record<string, Json> {
  const { [key]: _dropped, ...rest } = obj;
  return copy(rest) as Record<string, Json>;
}

function copy(value: unknown): Json {
  return JSON.parse(JSON.stringify(value ?? null)) as Json;
}

function v0(versions: CarriedVersion[]): CarriedVersion {
  if (versions[0] === undefined) throw new Error('renderProducts needs at least one version');
  return versions[0];
}
