import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './registry-handler.js';
import type { ServedRepository } from './served-layouts.js';

/** `GET /v2/<name>/tags/list?n=&last=`: lexically sorted, with a Link header when more remain. */
export function answerTags(req: IncomingMessage, res: ServerResponse, name: string, repo: ServedRepository, query: URLSearchParams): void {
  const all = [...repo.tags.keys()].sort();
  const last = query.get('last');
  const after = last === null ? all : all.filter((t) => t > last);
  const n = query.has('n') ? Number(query.get('n')) : Number.NaN;
  const limited = Number.isSafeInteger(n) && n >= 0 ? after.slice(0, n) : after;
  const headers: Record<string, string> = {};
  if (limited.length < after.length && limited.length > 0) {
    headers.Link = `</v2/${name}/tags/list?n=${n}&last=${encodeURIComponent(limited[limited.length - 1] as string)}>; rel="next"`;
  }
  sendJson(req, res, 200, { name, tags: limited }, headers);
}
