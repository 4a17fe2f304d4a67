import { rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AirlockError, asAirlockError, ensureDir, hexToDigest, isPlainName, type Digest, type PublishContext } from '@airlock/core';
import { mapConcurrent } from '@airlock/fetch';
import { renderMirror } from './check-rendered.js';
import { checkProductsFile } from './conformance/products-file.js';
import { clearsignedBody, decodeText, isClearsigned, MAX_DOCUMENT_BYTES, parseJsonObject } from './documents.js';
import { parseSimplestreamsCatalog } from './parse-catalog.js';
import { prettyJson, productsPath, renderIndex, type IndexEntry } from './render.js';
import type { SimplestreamsCatalog } from './types.js';
import { formatUpdated } from './updated.js';

const PLACE_CONCURRENCY = 16;

/**
 * Writes `<staging>/simplestreams/<source>/`: the item files at their upstream paths (hardlinks
 * from the vault), one products file per content id listing only what shipped, and the index,
 * each as `.json` and as `.sjson` clearsigned by the site key. Every products file passes the
 * MAAS 3.8 / sstream-mirror conformance check before anything is written.
 */
export async function publishSimplestreams(catalog: SimplestreamsCatalog, ctx: PublishContext): Promise<void> {
  const parsed = parseSimplestreamsCatalog(catalog);
  const label = `simplestreams/${ctx.sourceName}`;
  if (!isPlainName(ctx.sourceName)) throw new AirlockError('PUBLISH_FAILED', `source name ${JSON.stringify(ctx.sourceName)} cannot be a directory name`);
  const bodies = await loadBodies(parsed, ctx);
  const updated = formatUpdated(new Date());
  const files = renderMirror(parsed, (digest) => bodies.get(digest), updated);
  for (const file of files) {
    const report = checkProductsFile(file.data);
    if (report.problems.length > 0) {
      throw new AirlockError('PUBLISH_FAILED', `${label}: the products file for ${file.contentId} would be refused by MAAS:\n  ${report.problems.slice(0, 20).join('\n  ')}`, { details: { problems: report.problems } });
    }
  }
  const root = join(ctx.staging, 'simplestreams', ctx.sourceName);
  try {
    await rm(root, { recursive: true, force: true });
    await ensureDir(join(root, 'streams', 'v1'));
    await placeItems(parsed, root, ctx);
    const entries: IndexEntry[] = [];
    for (const file of files) {
      const text = prettyJson(file.data);
      await writeFile(join(root, productsPath(file.contentId, '.json')), text, { flag: 'wx' });
      await writeFile(join(root, productsPath(file.contentId, '.sjson')), await ctx.siteSigner.clearsign(text), { flag: 'wx' });
      entries.push({ contentId: file.contentId, datatype: file.datatype, products: Object.keys(file.data.products as object) });
    }
    await writeFile(join(root, 'streams/v1/index.json'), prettyJson(renderIndex(entries, updated, '.json')), { flag: 'wx' });
    await writeFile(join(root, 'streams/v1/index.sjson'), await ctx.siteSigner.clearsign(prettyJson(renderIndex(entries, updated, '.sjson'))), { flag: 'wx' });
  } catch (err) {
    throw asAirlockError(err, 'PUBLISH_FAILED', `cannot publish ${label}`);
  }
}

/** The carried products documents, whose exact bytes reverify checked (content-addressed vault blobs). */
async function loadBodies(catalog: SimplestreamsCatalog, ctx: PublishContext): Promise<Map<Digest, Record<string, unknown>>> {
  const bodies = new Map<Digest, Record<string, unknown>>();
  for (const doc of catalog.documents.filter((d) => d.role === 'products')) {
    const where = `simplestreams/${ctx.sourceName} ${doc.path}`;
    const text = decodeText(await ctx.vault.readBytes(doc.digest, MAX_DOCUMENT_BYTES), where);
    bodies.set(doc.digest, parseJsonObject(isClearsigned(text) ? clearsignedBody(text, where) : text, where));
  }
  return bodies;
}

async function placeItems(catalog: SimplestreamsCatalog, root: string, ctx: PublishContext): Promise<void> {
  const files = new Map<string, string>();
  for (const v of [...catalog.versions, ...catalog.custom]) for (const item of v.items) files.set(item.path, item.sha256);
  const task = ctx.progress.task(`publish simplestreams/${ctx.sourceName} items`, files.size, 'items');
  try {
    for (const dir of new Set([...files.keys()].map((f) => dirname(join(root, f))))) await ensureDir(dir);
    await mapConcurrent([...files], PLACE_CONCURRENCY, async ([path, sha256]) => {
      await ctx.vault.place(hexToDigest(sha256), join(root, path));
      task.advance(1);
    });
  } finally {
    task.done();
  }
}
