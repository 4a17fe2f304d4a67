import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { join, normalize } from 'node:path';

/** One answer of the wrapped upstream, held in memory (fixture files are small). */
export interface Resource {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export type ResourceSource =
  /** Static files under a directory, as a plain web server serves a mirror. */
  | { dir: string }
  /** Every request forwarded to another server on 127.0.0.1 (a real docker-registry, say). */
  | { proxy: string }
  | { handler: (req: IncomingMessage) => Promise<Resource | undefined> };

/** Turns a source into a function from request to answer; undefined means 404. */
export function resourceResolver(source: ResourceSource): (req: IncomingMessage, path: string) => Promise<Resource | undefined> {
  if ('dir' in source) return (_req, path) => fromDir(source.dir, path);
  if ('proxy' in source) return (req, path) => fromProxy(source.proxy, req, path);
  return (req) => source.handler(req);
}

async function fromDir(root: string, path: string): Promise<Resource | undefined> {
  const relative = normalize(decodeURIComponent(path.split('?')[0] ?? '/'));
  if (relative.split('/').includes('..')) return { status: 400, headers: {}, body: Buffer.alloc(0) };
  const file = join(root, relative);
  try {
    if (!(await stat(file)).isFile()) return undefined;
  } catch {
    return undefined;
  }
  const body = await readFile(file);
  return { status: 200, headers: { etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"` }, body };
}

/** Forwards method, path and the headers a registry client sends; buffers the answer. */
async function fromProxy(target: string, req: IncomingMessage, path: string): Promise<Resource> {
  const forwarded: Record<string, string> = {};
  for (const name of ['accept', 'authorization', 'user-agent']) {
    const value = req.headers[name];
    if (typeof value === 'string') forwarded[name] = value;
  }
  return new Promise((resolve, reject) => {
    const out = request(new URL(path, target), { method: req.method ?? 'GET', headers: forwarded }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) {
          if (typeof v === 'string' && !['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(k)) headers[k] = v;
        }
        resolve({ status: res.statusCode ?? 502, headers, body: Buffer.concat(chunks) });
      });
    });
    out.on('error', reject);
    out.end();
  });
}
