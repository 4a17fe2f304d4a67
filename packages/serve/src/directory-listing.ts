import { lstat, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { once } from 'node:events';
import { isInside } from './confine.js';
import { ListingCache, type DirEntry } from './listing-cache.js';

/** Entries per listing page: a 50k-entry pool directory is 50 pages of about 100 KB, not one of 5 MB. */
export const LISTING_PAGE_SIZE = 1000;

export interface ListingRow {
  name: string;
  isDir: boolean;
  size: number;
}

const cache = new ListingCache();

/**
 * A plain HTML index of one directory, one page (`?page=N`, from 1) at a time, streamed. Names
 * come from published content (upstream-controlled), so every one is escaped; symlinks that lead
 * outside the tree or nowhere are left out. Only the page's entries are stat'ed.
 */
export async function sendListing(req: IncomingMessage, res: ServerResponse, dir: string, realRoot: string, urlPath: string): Promise<void> {
  const entries = await cache.list(dir);
  const pages = Math.max(1, Math.ceil(entries.length / LISTING_PAGE_SIZE));
  const page = requestedPage(req.url ?? '');
  if (page === undefined || page > pages) {
    const body = Buffer.from(`no such page: this listing has pages 1 to ${pages}\n`);
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length, 'X-Content-Type-Options': 'nosniff' });
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  const rows = await pageRows(entries.slice((page - 1) * LISTING_PAGE_SIZE, page * LISTING_PAGE_SIZE), dir, realRoot);
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': "default-src 'none'",
    'X-Content-Type-Options': 'nosniff',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  for (const chunk of renderListing(urlPath, rows, { page, pages, total: entries.length })) {
    if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
    if (res.destroyed) return;
  }
  res.end();
}

/** The first `max` entries of a directory, as its listing shows them (links out of the tree left out). */
export async function visibleEntries(dir: string, realRoot: string, max: number): Promise<ListingRow[]> {
  return pageRows((await cache.list(dir)).slice(0, max), dir, realRoot);
}

function requestedPage(target: string): number | undefined {
  const query = target.indexOf('?');
  const raw = query < 0 ? null : new URLSearchParams(target.slice(query + 1)).get('page');
  if (raw === null) return 1;
  return /^[1-9]\d{0,8}$/.test(raw) ? Number(raw) : undefined;
}

async function pageRows(entries: DirEntry[], dir: string, realRoot: string): Promise<ListingRow[]> {
  const rows: ListingRow[] = [];
  for (const entry of entries) {
    const info = await entryInfo(join(dir, entry.name), entry, realRoot);
    if (info?.isDirectory()) rows.push({ name: entry.name, isDir: true, size: 0 });
    else if (info?.isFile()) rows.push({ name: entry.name, isDir: false, size: info.size });
  }
  return rows;
}

async function entryInfo(path: string, entry: DirEntry, realRoot: string) {
  try {
    if (entry.kind !== 'link') return await lstat(path);
    const real = await realpath(path);
    return isInside(realRoot, real) ? await stat(real) : undefined;
  } catch {
    return undefined;
  }
}

/** The page's HTML in pieces of about a hundred rows, so a page is written with backpressure. */
export function* renderListing(urlPath: string, rows: ListingRow[], paging = { page: 1, pages: 1, total: rows.length }): Generator<string> {
  const title = `Index of ${escapeHtml(urlPath)}`;
  const nav = navigation(paging);
  yield [
    '<!DOCTYPE html>',
    `<html><head><meta charset="utf-8"><title>${title}</title></head><body>`,
    `<h1>${title}</h1>`,
    ...(nav ? [nav] : []),
    '<table><tr><th>Name</th><th>Size</th></tr>',
    ...(urlPath !== '/' && paging.page === 1 ? ['<tr><td><a href="../">../</a></td><td>-</td></tr>'] : []),
    '',
  ].join('\n');
  for (let at = 0; at < rows.length; at += 100) {
    const lines = rows.slice(at, at + 100).map((row) => {
      const href = escapeHtml(encodeURIComponent(row.name) + (row.isDir ? '/' : ''));
      const label = escapeHtml(row.name + (row.isDir ? '/' : ''));
      return `<tr><td><a href="${href}">${label}</a></td><td>${row.isDir ? '-' : row.size}</td></tr>\n`;
    });
    yield lines.join('');
  }
  yield ['</table>', ...(nav ? [nav] : []), '</body></html>', ''].join('\n');
}

function navigation({ page, pages, total }: { page: number; pages: number; total: number }): string | undefined {
  if (pages <= 1) return undefined;
  const links = [
    page > 1 ? `<a href="?page=${page - 1}" rel="prev">previous</a>` : '',
    page < pages ? `<a href="?page=${page + 1}" rel="next">next</a>` : '',
  ].filter((l) => l !== '');
  return `<p>Page ${page} of ${pages} (${total} entries) ${links.join(' ')}</p>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
