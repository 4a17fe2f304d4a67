import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real HTTP server on 127.0.0.1 for tests, recording every request and counting body bytes sent. */
export interface FixtureServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  requests: Array<{ url: string; headers: IncomingMessage['headers'] }>;
  bytesServed: number;
  /** Requests to one path. */
  hits(path: string): Array<{ url: string; headers: IncomingMessage['headers'] }>;
  /** Refuses new connections at once; connections already open carry on. */
  stopListening(): void;
  close(): Promise<void>;
}

export type FixtureHandler = (req: IncomingMessage, res: ServerResponse, server: FixtureServer) => unknown;

export async function startFixtureServer(handler: FixtureHandler): Promise<FixtureServer> {
  const httpServer: Server = createServer();
  const fixture: FixtureServer = {
    origin: '',
    requests: [],
    bytesServed: 0,
    hits: (path) => fixture.requests.filter((r) => r.url === path),
    stopListening: () => void httpServer.close(),
    close: () =>
      new Promise((resolve) => {
        httpServer.closeAllConnections();
        httpServer.close(() => resolve());
      }),
  };
  httpServer.on('request', (req, res) => {
    fixture.requests.push({ url: req.url ?? '', headers: req.headers });
    Promise.resolve(handler(req, res, fixture)).catch((err: unknown) => {
      res.destroy(err instanceof Error ? err : new Error(String(err)));
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  fixture.origin = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  return fixture;
}

export interface SendOptions {
  etag?: string;
  /** Answer 200 with the whole body even when a Range is asked for. */
  ignoreRange?: boolean;
  /** Send this many body bytes, then destroy the connection. */
  cutAfter?: number;
}

/** Serves `body` with Range support (206, 416) the way a static file server does. */
export function sendBytes(req: IncomingMessage, res: ServerResponse, server: FixtureServer, body: Buffer, o: SendOptions = {}): void {
  let start = 0;
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const ifRange = req.headers['if-range'];
  const rangeApplies = range !== null && !o.ignoreRange && (ifRange === undefined || ifRange === o.etag);
  if (o.etag) res.setHeader('etag', o.etag);
  if (rangeApplies) {
    start = Number(range[1]);
    if (start >= body.length) {
      res.writeHead(416, { 'content-range': `bytes */${body.length}` });
      res.end();
      return;
    }
    res.writeHead(206, { 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` });
  } else {
    res.writeHead(200, { 'content-length': body.length });
  }
  const slice = body.subarray(start);
  if (o.cutAfter !== undefined && o.cutAfter < slice.length) {
    const head = slice.subarray(0, o.cutAfter);
    server.bytesServed += head.length;
    res.write(head, () => setTimeout(() => res.socket?.destroy(), 30));
    return;
  }
  server.bytesServed += slice.length;
  res.end(slice);
}
