import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { isInside } from './confine.js';

interface ListingRow {
  name: string;
  isDir: boolean;
  size: number;
}

/**
 * A plain HTML index of one directory. Names come from published content (upstream-controlled),
 * so every one is escaped; symlinks that lead outside the tree or nowhere are left out.
 */
export async function sendListing(req: IncomingMessage, res: ServerResponse, dir: string, realRoot: string, urlPath: string): Promise<void> {
  const rows: ListingRow[] = [];
  for (const name of await readdir(dir)) {
    const info = await entryInfo(join(dir, name), realRoot);
    if (info?.isDirectory()) rows.push({ name, isDir: true, size: 0 });
    else if (info?.isFile()) rows.push({ name, isDir: false, size: info.size });
  }
  rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const body = Buffer.from(renderListing(urlPath, rows));
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': body.length,
    'Content-Security-Policy': "default-src 'none'",
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

async function entryInfo(path: string, realRoot: string) {
  try {
    const info = await lstat(path);
    if (!info.isSymbolicLink()) return info;
    const real = await realpath(path);
    return isInside(realRoot, real) ? await stat(real) : undefined;
  } catch {
    return undefined;
  }
}

export function renderListing(urlPath: string, rows: ListingRow[]): string {
  const title = `Index of ${escapeHtml(urlPath)}`;
  const lines = rows.map((row) => {
    const href = escapeHtml(encodeURIComponent(row.name) + (row.isDir ? '/' : ''));
    const label = escapeHtml(row.name + (row.isDir ? '/' : ''));
    return `<tr><td><a href="${href}">${label}</a></td><td>${row.isDir ? '-' : row.size}</td></tr>`;
  });
  if (urlPath !== '/') lines.unshift('<tr><td><a href="../">../</a></td><td>-</td></tr>');
  return [
    '<!DOCTYPE html>',
    `<html><head><meta charset="utf-8"><title>${title}</title></head><body>`,
    `<h1>${title}</h1>`,
    '<table><tr><th>Name</th><th>Size</th></tr>',
    ...lines,
    '</table></body></html>',
    '',
  ].join('\n');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
