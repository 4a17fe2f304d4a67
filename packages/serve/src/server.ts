import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AirlockError, isTransientIoError } from '@airlock/core';
import { countBodyBytes } from './body-counter.js';
import { parsePublicUrl } from './site-address.js';
import { createSitePageHandler } from './site-handler.js';
import { sendText } from './respond.js';
import { serveTree } from './static-tree.js';
import type { RequestHandler, RunningServer, ServeOptions } from './types.js';

const READ_METHODS_LIST: readonly string[] = ['GET', 'HEAD'];
const READ_METHODS = new Set(READ_METHODS_LIST);
/** How long close() lets in-flight downloads finish before cutting them, so shutdown cannot hang on a slow client. */
const CLOSE_GRACE_MS = 5_000;
/**
 * Open connections at once; more are closed as they arrive. Each holds a descriptor, and a client
 * that opened thousands could otherwise starve the server of the descriptors it needs to read files.
 */
export const DEFAULT_MAX_CONNECTIONS = 512;
/** A client has this long to send its request headers (slowloris), and this long for a whole request. */
const HEADERS_TIMEOUT_MS = 20_000;
const REQUEST_TIMEOUT_MS = 60_000;

/**
 * A read-only HTTP server for the current publication: the site page at `/` and `/airlock.json`,
 * then the custom handlers, then the file tree.
 */
export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const publicUrl = o.publicUrl === undefined ? undefined : parsePublicUrl(o.publicUrl);
  let listening = `${o.host}:${o.port}`;
  const sitePage = createSitePageHandler({ root: o.root, ...(publicUrl ? { publicUrl } : {}), listening: () => listening });
  const handlers: RequestHandler[] = [sitePage, ...(o.handlers ?? [])];
  const server = createServer({ headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS }, (req, res) => {
    void respond(req, res);
  });
  server.maxConnections = o.maxConnections ?? DEFAULT_MAX_CONNECTIONS;

  async function respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const sentBytes = countBodyBytes(res);
    res.once('close', () => report(o, req, res, sentBytes()));
    try {
      const method = req.method ?? '';
      for (const handler of handlers) {
        if (!(handler.methods ?? READ_METHODS_LIST).includes(method)) continue;
        if (await handler(req, res)) return;
      }
      if (!READ_METHODS.has(method)) {
        sendText(req, res, 405, 'this server is read-only: use GET or HEAD', { Allow: 'GET, HEAD' });
        return;
      }
      await serveTree(req, res, o.root);
    } catch (err) {
      // The library never prints: the 500 or 503 reaches the access log through onRequest.
      if (res.headersSent) res.destroy();
      else if (isTransientIoError(err)) sendText(req, res, 503, 'the server is out of resources for a moment; retry', { 'Retry-After': '1' });
      else sendText(req, res, 500, 'internal server error');
    }
  }

  await listen(server, o);
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  listening = `${urlHost}:${address.port}`;
  return {
    url: `http://${urlHost}:${address.port}/`,
    host: address.address,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        const cutOff = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        server.close(() => {
          clearTimeout(cutOff);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

function listen(server: ReturnType<typeof createServer>, o: ServeOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(new AirlockError('IO_ERROR', `cannot listen on ${o.host}:${o.port}: ${err.message}; choose another address with --listen`, { cause: err }));
    });
    server.listen(o.port, o.host, () => resolve());
  });
}

function report(o: ServeOptions, req: IncomingMessage, res: ServerResponse, bytes: number): void {
  if (!o.onRequest) return;
  const method = req.method ?? '';
  try {
    o.onRequest({ method, path: escapeControl(req.url ?? ''), status: res.statusCode, bytes: method === 'HEAD' ? 0 : bytes });
  } catch {
    // A failing logger must not take the server down.
  }
}

/** Request targets are attacker-controlled and end up in logs: no raw control characters. */
function escapeControl(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
