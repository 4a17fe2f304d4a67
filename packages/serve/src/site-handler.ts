import type { IncomingMessage, ServerResponse } from 'node:http';
import { visibleEntries } from './directory-listing.js';
import { readPublicationFacts } from './publication-facts.js';
import { parseRequestPath } from './request-path.js';
import { addressFor, type SiteAddress } from './site-address.js';
import { siteDocument } from './site-document.js';
import { nothingPublishedPage, sitePage } from './site-page.js';
import { SITE_STYLE_CSP } from './site-style.js';
import { NOTHING_PUBLISHED, publishedRoot } from './static-tree.js';
import type { RequestHandler } from './types.js';

/** Top-level entries linked from the page; a publication has a handful (keys/, apt/, rpm/, …). */
const MAX_TOP_ENTRIES = 200;

export interface SitePageOptions {
  root: string;
  publicUrl?: SiteAddress;
  /** host:port the server listens on, for requests without a usable Host header. */
  listening(): string;
}

/**
 * `GET /` (the site page) and `GET /airlock.json` (the same facts for automation). Both are
 * built per request from the live snapshot's publication record and the host the client used
 * (or `--public-url`), so they follow a switch of `current` at once.
 */
export function createSitePageHandler(o: SitePageOptions): RequestHandler {
  return async (req, res) => {
    const parsed = parseRequestPath(req.url ?? '');
    if (!parsed.ok) return false;
    const json = parsed.segments.length === 1 && parsed.segments[0] === 'airlock.json';
    if (parsed.segments.length !== 0 && !json) return false;
    const realRoot = await publishedRoot(o.root);
    if (realRoot === null) {
      if (json) sendJson(req, res, 503, { format: 'airlock-site/1', published: false, message: NOTHING_PUBLISHED });
      else sendHtml(req, res, 503, nothingPublishedPage());
      return true;
    }
    const address = addressFor(req, o.publicUrl, o.listening);
    const read = await readPublicationFacts(realRoot);
    const facts = read.kind === 'facts' ? read.facts : null;
    const problem =
      read.kind === 'unreadable' ? `The current publication cannot be described: ${read.reason}. Run airlock status on the site.`
      : read.kind === 'no-record' ? 'This snapshot has no publication record (airlock-publication.json), so it is not a whole publication. Run airlock status on the site.'
      : undefined;
    const doc = siteDocument(facts, address, problem);
    const status = read.kind === 'unreadable' ? 500 : 200;
    if (json) sendJson(req, res, status, doc);
    else sendHtml(req, res, status, sitePage(doc, await visibleEntries(realRoot, realRoot, MAX_TOP_ENTRIES)));
    return true;
  };
}

const COMMON = { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache', Vary: 'Host' };

function sendHtml(req: IncomingMessage, res: ServerResponse, status: number, page: string): void {
  const body = Buffer.from(page);
  res.writeHead(status, { ...COMMON, 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': body.length, 'Content-Security-Policy': SITE_STYLE_CSP, ...(status === 503 ? { 'Retry-After': '60' } : {}) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
  res.writeHead(status, { ...COMMON, 'Content-Type': 'application/json', 'Content-Length': body.length, ...(status === 503 ? { 'Retry-After': '60' } : {}) });
  res.end(req.method === 'HEAD' ? undefined : body);
}
