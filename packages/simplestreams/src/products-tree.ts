import { AirlockError, isRecord } from '@airlock/core';

/** A products file's tree levels, as python simplestreams names them (util.PRODUCTS_TREE_DATA). */
const LEVELS = [
  ['products', 'product_name'],
  ['versions', 'version_name'],
  ['items', 'item_name'],
] as const;

export interface TreeItem {
  product: string;
  version: string;
  item: string;
  /** Top-level, product, version and item fields merged (util.products_exdata), plus the three names. */
  flat: Record<string, string>;
}

/**
 * simplestreams' stringitems: strings as they are, numbers as text (python's str() of an int),
 * booleans as python prints them; objects, lists and null are not inherited.
 */
export function stringItems(data: Record<string, unknown>, into: Record<string, string>): void {
  for (const [key, value] of Object.entries(data)) {
    if (typeof value === 'string') into[key] = value;
    else if (typeof value === 'number' && Number.isFinite(value)) into[key] = String(value);
    else if (typeof value === 'boolean') into[key] = value ? 'True' : 'False';
  }
}

/** The child objects of `node[level]`; a level that is not an object of objects is refused (attacker-controlled input). */
export function children(node: Record<string, unknown>, level: string, label: string): Array<[string, Record<string, unknown>]> {
  const raw = node[level];
  if (raw === undefined) return [];
  if (!isRecord(raw)) throw new AirlockError('UPSTREAM_INVALID', `${label}: "${level}" must be an object`);
  return Object.entries(raw).map(([name, child]) => {
    if (!isRecord(child)) throw new AirlockError('UPSTREAM_INVALID', `${label}: ${level} entry ${JSON.stringify(name)} must be an object`);
    return [name, child];
  });
}

/** Every item of a products document, flattened the way sstream-mirror's filters see it. */
export function flattenItems(doc: Record<string, unknown>, label: string): TreeItem[] {
  const top = dict();
  stringItems(doc, top);
  const result: TreeItem[] = [];
  for (const [product, pdata] of children(doc, LEVELS[0][0], label)) {
    const atProduct = dict(top);
    stringItems(pdata, atProduct);
    atProduct[LEVELS[0][1]] = product;
    for (const [version, vdata] of children(pdata, LEVELS[1][0], `${label} ${product}`)) {
      const atVersion = dict(atProduct);
      stringItems(vdata, atVersion);
      atVersion[LEVELS[1][1]] = version;
      for (const [item, idata] of children(vdata, LEVELS[2][0], `${label} ${product} ${version}`)) {
        const flat = dict(atVersion);
        stringItems(idata, flat);
        flat[LEVELS[2][1]] = item;
        result.push({ product, version, item, flat });
      }
    }
  }
  return result;
}

/** A prototype-less copy, so upstream keys such as `__proto__` stay plain data. */
export function dict(from?: Record<string, string>): Record<string, string> {
  return Object.assign(Object.create(null) as Record<string, string>, from);
}
