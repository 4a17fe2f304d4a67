import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { digestHex, hashFile, isRecord } from '@airlock/core';
import { clearsignedBody, isClearsigned, parseJsonObject } from '../documents.js';
import { flattenItems } from '../products-tree.js';
import { checkIndexFile } from './index-file.js';
import { checkProductsFile, type ProductsReport } from './products-file.js';

export interface MirrorReport {
  problems: string[];
  /** Each products file by content id, with its check. */
  products: Map<string, { data: Record<string, unknown>; report: ProductsReport }>;
  /** Every item path the products files list, with its sha256 and size. */
  items: Map<string, { sha256: string; size: number }>;
}

/**
 * Checks a mirror tree on disk as MAAS and sstream-mirror read it: index.sjson (clearsigned;
 * signatures themselves are for gpgv) and index.json, every products file in both forms (same
 * JSON, no dash-escaped lines), each passing checkProductsFile, index entries that list exactly
 * each file's products, and every item file present with its size (and sha256 with `digests`).
 */
export async function checkPublishedMirror(root: string, options: { digests?: boolean } = {}): Promise<MirrorReport> {
  const problems: string[] = [];
  const products = new Map<string, { data: Record<string, unknown>; report: ProductsReport }>();
  const items = new Map<string, { sha256: string; size: number }>();
  const read = async (path: string, signed: boolean): Promise<Record<string, unknown> | undefined> => {
    try {
      const text = await readFile(join(root, path), 'utf8');
      if (signed !== isClearsigned(text)) throw new Error(signed ? 'is not clearsigned' : 'is clearsigned');
      const body = signed ? clearsignedBody(text, path) : text;
      if (signed && text.split('\n').some((line) => line.startsWith('- '))) throw new Error('has dash-escaped lines (MAAS 3.8 does not undo them)');
      return parseJsonObject(body, path);
    } catch (err) {
      problems.push(`${path}: ${(err as Error).message}`);
      return undefined;
    }
  };
  const signedIndex = await read('streams/v1/index.sjson', true);
  const plainIndex = await read('streams/v1/index.json', false);
  if (signedIndex === undefined || plainIndex === undefined) return { problems, products, items };
  const signed = checkIndexFile(signedIndex, { signed: true });
  const plain = checkIndexFile(plainIndex, { signed: false });
  problems.push(...signed.problems.map((p) => `index.sjson ${p}`), ...plain.problems.map((p) => `index.json ${p}`));
  if ([...signed.entries.keys()].sort().join() !== [...plain.entries.keys()].sort().join()) problems.push('index.json and index.sjson list different content ids');
  for (const [contentId, entry] of signed.entries) {
    const data = await read(entry.path, true);
    const plainEntry = plain.entries.get(contentId);
    const plainData = plainEntry ? await read(plainEntry.path, false) : undefined;
    if (data === undefined) continue;
    if (plainData !== undefined && JSON.stringify(plainData) !== JSON.stringify(data)) problems.push(`${plainEntry?.path}: differs from ${entry.path}`);
    const report = checkProductsFile(data);
    products.set(contentId, { data, report });
    problems.push(...report.problems.map((p) => `${entry.path} ${p}`));
    if (data.content_id !== contentId) problems.push(`${entry.path}: content_id is not ${contentId}`);
    const names = isRecord(data.products) ? Object.keys(data.products).sort() : [];
    if (names.join('\n') !== [...entry.products].sort().join('\n')) problems.push(`index entry ${contentId}: products differ from ${entry.path}`);
    if (report.problems.length === 0) await checkItems(root, data, entry.path, items, problems, options.digests === true);
  }
  return { problems, products, items };
}

async function checkItems(root: string, data: Record<string, unknown>, label: string, items: MirrorReport['items'], problems: string[], digests: boolean): Promise<void> {
  for (const { flat } of flattenItems(data, label)) {
    const path = flat.path!;
    const expected = { sha256: flat.sha256!, size: Number(flat.size) };
    const seen = items.get(path);
    if (seen !== undefined) {
      if (seen.sha256 !== expected.sha256 || seen.size !== expected.size) problems.push(`${path}: listed with two different sha256/size values`);
      continue;
    }
    items.set(path, expected);
    try {
      const info = await stat(join(root, path));
      if (!info.isFile() || info.size !== expected.size) problems.push(`${path}: expected a ${expected.size}-byte file`);
      else if (digests && digestHex((await hashFile(join(root, path))).digest) !== expected.sha256) problems.push(`${path}: sha256 differs from the products file`);
    } catch {
      problems.push(`${path}: listed but not in the mirror`);
    }
  }
}
