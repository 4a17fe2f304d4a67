import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { isDigest, isTransientIoError } from '@airlock/core';
import { REPO_RE } from './reference.js';
import { servedContent, type ServedRepository } from './served-layouts.js';
import { answerTags } from './tags-list.js';

/** Matches serve's RequestHandler: answers `/v2/…` and returns true, leaves everything else to the file tree. */
export type RegistryHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** The distribution-spec pull API over the publication that `root` (usually `current`) points at. */
export function createRegistryHandler(root: string): RegistryHandler {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://registry.invalid'); // request target: attacker-controlled
    if (url.pathname !== '/v2' && !url.pathname.startsWith('/v2/')) return false;
    try {
      return await answer(req, res, root, url);
    } catch (err) {
      // Never "unknown" for a failure to read: a 404 would tell clients the image is gone.
      if (res.headersSent) res.destroy();
      else if (isTransientIoError(err)) specError(req, res, 503, 'UNAVAILABLE', 'the registry is out of resources for a moment; retry', { 'Retry-After': '1' });
      else specError(req, res, 500, 'UNKNOWN', 'the registry cannot read the publication');
      return true;
    }
  };
}

async function answer(req: IncomingMessage, res: ServerResponse, root: string, url: URL): Promise<boolean> {
  res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
  if (url.pathname === '/v2' || url.pathname === '/v2/') {
    sendJson(req, res, 200, {});
    return true;
  }
  const tags = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname);
  const item = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
  if (!tags && !item) return specError(req, res, 404, 'UNSUPPORTED', 'the operation is unsupported');
  const name = safeDecode(tags?.[1] ?? item?.[1] ?? '');
  if (name === undefined || !REPO_RE.test(name)) return specError(req, res, 400, 'NAME_INVALID', 'invalid repository name');
  // One load per request: `current` may switch while we answer.
  const content = await servedContent(root);
  const repo = content.repositories.get(name);
  if (!repo) return specError(req, res, 404, 'NAME_UNKNOWN', 'repository name not known to registry');
  if (tags) answerTags(req, res, name, repo, url.searchParams);
  else if (item?.[2] === 'manifests') await answerManifest(req, res, repo, safeDecode(item[3] ?? '') ?? '', content.manifestTypes, content.paths);
  else await answerBlob(req, res, repo, safeDecode(item?.[3] ?? '') ?? '', content.paths);
  return true;
}

async function answerManifest(req: IncomingMessage, res: ServerResponse, repo: ServedRepository, reference: string, types: Map<string, string>, paths: Map<string, string>): Promise<void> {
  const digest = isDigest(reference) ? reference : repo.tags.get(reference);
  const path = digest && repo.manifests.has(digest) ? paths.get(digest) : undefined;
  if (!digest || !path) {
    specError(req, res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown');
    return;
  }
  const size = (await stat(path)).size;
  res.writeHead(200, { 'Content-Type': types.get(digest) ?? 'application/octet-stream', 'Content-Length': size, 'Docker-Content-Digest': digest, ETag: `"${digest}"` });
  await sendBody(req, res, path);
}

async function answerBlob(req: IncomingMessage, res: ServerResponse, repo: ServedRepository, reference: string, paths: Map<string, string>): Promise<void> {
  if (!isDigest(reference)) {
    specError(req, res, 400, 'DIGEST_INVALID', 'invalid digest');
    return;
  }
  const path = repo.blobs.has(reference) || repo.manifests.has(reference) ? paths.get(reference) : undefined;
  if (!path) {
    specError(req, res, 404, 'BLOB_UNKNOWN', 'blob unknown to registry');
    return;
  }
  const size = (await stat(path)).size;
  const headers = { 'Content-Type': 'application/octet-stream', 'Docker-Content-Digest': reference, 'Accept-Ranges': 'bytes', ETag: `"${reference}"` };
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range?.trim() ?? '');
  if (range && (range[1] !== '' || range[2] !== '')) {
    const start = range[1] === '' ? Math.max(0, size - Number(range[2])) : Number(range[1]);
    const end = range[1] === '' || range[2] === '' ? size - 1 : Math.min(Number(range[2]), size - 1);
    if (start >= size || end < start) {
      res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}`, 'Content-Length': 0 });
      res.end();
      return;
    }
    res.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': end - start + 1 });
    await sendBody(req, res, path, start, end);
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': size });
  await sendBody(req, res, path);
}

async function sendBody(req: IncomingMessage, res: ServerResponse, path: string, start?: number, end?: number): Promise<void> {
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const options = start === undefined ? { highWaterMark: 1 << 20 } : { start, end: end as number, highWaterMark: 1 << 20 };
  await pipeline(createReadStream(path, options), res).catch(() => res.destroy());
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

export function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': bytes.length, ...headers });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

/** Answers with a distribution-spec error body; returns true so handlers can `return specError(…)`. */
function specError(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): true {
  sendJson(req, res, status, { errors: [{ code, message, detail: null }] }, headers);
  return true;
}
