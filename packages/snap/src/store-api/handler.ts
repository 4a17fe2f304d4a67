import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRecord } from '@airlock/core';
import { ASSERTION_MEDIA_TYPE } from '../store/fetch-assertions.js';
import { answerActions } from './actions.js';
import { servedSnaps } from './served-snaps.js';
import { infoAnswer } from './store-json.js';

/** Far more than any refresh request snapd sends (it batches at most a few hundred snaps). */
const MAX_REQUEST_BODY = 1 << 20;
const HOST_RE = /^[A-Za-z0-9.\-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/;

export type SnapStoreHandler = ((req: IncomingMessage, res: ServerResponse) => Promise<boolean>) & { readonly methods: readonly string[] };

/**
 * The part of the snap store API snapd uses to install and refresh, answered from the publication
 * `root` points at: `/snap/<source>/v2/snaps/info/<name>`, `/snap/<source>/v2/snaps/refresh`
 * (install, download, refresh and fetch-assertions actions) and `/snap/<source>/v2/assertions/…`
 * (also under the older `api/v1/snaps/assertions/…`). Downloads are the published files, served
 * by the static tree at the absolute URLs the answers carry: under `publicUrl` when the site is
 * reached by another address than the request shows (a proxy, TLS in front), else the Host header's.
 */
export function createSnapStoreHandler(root: string, options: { publicUrl?: string } = {}): SnapStoreHandler {
  // The caller validated it (serve's parsePublicUrl); only the trailing slash is dropped here.
  const publicBase = options.publicUrl?.replace(/\/+$/, '');
  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://store.invalid'); // request target: attacker-controlled
    const m = /^\/snap\/([A-Za-z0-9][A-Za-z0-9._-]{0,63})\/(v2\/snaps\/info\/[^/]+|v2\/snaps\/refresh|v2\/snaps\/find|v2\/assertions\/.+|api\/v1\/snaps\/assertions\/.+)$/.exec(url.pathname);
    if (!m) return false;
    const sourceName = m[1] as string;
    const route = m[2] as string;
    const isRefresh = route === 'v2/snaps/refresh';
    if (isRefresh !== (req.method === 'POST')) {
      sendJson(req, res, 405, { 'error-list': [{ code: 'method-not-allowed', message: `use ${isRefresh ? 'POST' : 'GET'}` }] }, { Allow: isRefresh ? 'POST' : 'GET, HEAD' });
      return true;
    }
    const source = (await servedSnaps(root)).get(sourceName);
    const host = req.headers.host !== undefined && HOST_RE.test(req.headers.host) ? req.headers.host : 'localhost';
    const base = `${publicBase ?? `http://${host}`}/snap/${sourceName}`;
    const urls = { download: base, assertions: `${base}/v2/assertions` };
    if (route.startsWith('v2/snaps/info/')) {
      const name = safeDecode(route.slice('v2/snaps/info/'.length));
      const answer = source && infoAnswer(source.revisions.filter((r) => r.name === name), url.searchParams.get('architecture') ?? undefined, base);
      if (!answer) sendJson(req, res, 404, { 'error-list': [{ code: 'resource-not-found', message: `No snap named '${name.slice(0, 64)}' found in series '16'.` }] });
      else sendJson(req, res, 200, answer);
      return true;
    }
    if (route === 'v2/snaps/find') {
      sendJson(req, res, 200, { results: [] });
      return true;
    }
    if (isRefresh) {
      const body = await readJsonBody(req);
      if (!isRecord(body)) {
        sendJson(req, res, body === 'too-large' ? 413 : 400, { 'error-list': [{ code: 'invalid-request', message: 'the request body must be a JSON object of at most 1 MiB' }] });
        return true;
      }
      const architecture = headerOf(req, 'snap-device-architecture') ?? 'amd64';
      sendJson(req, res, 200, { results: source ? answerActions(source, body, architecture, urls) : [], 'error-list': [] });
      return true;
    }
    const ref = route.replace(/^(v2\/assertions|api\/v1\/snaps\/assertions)\//, '').split('/').map((p) => safeDecode(p)).join('/');
    const held = source?.assertions.get(ref);
    const maxFormat = Number(url.searchParams.get('max-format') ?? 'NaN');
    if (!held || (Number.isInteger(maxFormat) && held.format > maxFormat)) {
      const body = Buffer.from(JSON.stringify({ 'error-list': [{ code: 'not-found', message: 'not found' }] }));
      res.writeHead(404, { 'Content-Type': 'application/problem+json', 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    }
    const bytes = Buffer.from(held.text, 'utf8');
    res.writeHead(200, { 'Content-Type': ASSERTION_MEDIA_TYPE, 'Content-Length': bytes.length });
    res.end(req.method === 'HEAD' ? undefined : bytes);
    return true;
  };
  return Object.assign(handler, { methods: ['GET', 'HEAD', 'POST'] as const });
}

/** Reads a bounded JSON body; stops reading past the limit (the connection then closes). */
async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > MAX_REQUEST_BODY) return 'too-large';
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total > MAX_REQUEST_BODY) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s !== undefined && /^[a-z0-9]{1,16}$/.test(s) ? s : undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': bytes.length, ...headers });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

