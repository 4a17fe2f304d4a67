import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Resource } from './fault-source.js';

/** Every fault the server can inject. Range faults only fire on requests that carry a Range. */
export const FAULT_KINDS = [
  'status', 'reset', 'truncate-length', 'truncate-chunked', 'truncate-close', 'slow', 'stall', 'stall-headers',
  'length-long', 'length-short', 'wrong-bytes', 'range-ignored', 'range-wrong-start', 'range-wrong-bytes',
  'redirect', 'redirect-loop', 'redirect-bad-location',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export const RANGE_FAULTS: ReadonlySet<FaultKind> = new Set(['range-ignored', 'range-wrong-start', 'range-wrong-bytes']);

export interface FaultParams {
  /** For `status`: the status sent (default 503). */
  status?: number;
  /** For `status`: a Retry-After header. */
  retryAfter?: string;
  /** Share of the body sent before a reset, truncation or stall (default 0.5). */
  fraction?: number;
  /** For `slow`: bytes per write and the pause between writes (default 4096 bytes every 20 ms). */
  chunkBytes?: number;
  delayMs?: number;
  /** For `stall` and `stall-headers`: how long the connection hangs before it is dropped (default 5 s). */
  stallMs?: number;
}

/** What a fault writer needs: the request, its answer, where the requested range starts, and timers it may keep. */
export interface FaultContext {
  req: IncomingMessage;
  res: ServerResponse;
  resource: Resource;
  rangeStart: number | undefined;
  params: FaultParams;
  later(ms: number, fn: () => void): void;
}

export const REDIRECT_PREFIX = '/__airlock_redirect';

/** Writes the answer for one injected fault. */
export function writeFault(kind: FaultKind, c: FaultContext): void {
  const { res, resource, params } = c;
  const start = c.rangeStart ?? 0;
  const slice = resource.body.subarray(start);
  const cut = Math.floor(slice.length * (params.fraction ?? 0.5));
  const socket = res.socket;
  // A keep-alive connection answers in order: this response gets its socket once the previous
  // one on the connection is finished. Faults that write to the socket must wait for that.
  if (!socket) return void res.once('socket', () => writeFault(kind, c));
  // The client may be gone already (it gave up on this request); there is nothing to answer then.
  if (socket.destroyed) return;
  switch (kind) {
    case 'status':
      res.writeHead(params.status ?? 503, params.retryAfter ? { 'retry-after': params.retryAfter } : {}).end('injected failure\n');
      return;
    case 'reset':
      res.writeHead(...rangeHead(c, slice.length));
      res.write(slice.subarray(0, cut), () => c.later(10, () => void (socket.destroyed || socket.resetAndDestroy())));
      return;
    case 'truncate-length':
      res.writeHead(...rangeHead(c, slice.length));
      res.write(slice.subarray(0, cut), () => c.later(10, () => void socket.end()));
      return;
    case 'truncate-chunked':
      res.writeHead(200, resource.headers);
      res.write(resource.body.subarray(0, Math.floor(resource.body.length * (params.fraction ?? 0.5))), () => c.later(10, () => void socket.end()));
      return;
    case 'truncate-close':
      // No Content-Length and no chunking: the end of the connection is the end of the body, so a cut is invisible.
      socket.write(rawHead(200, { ...resource.headers, connection: 'close' }));
      socket.end(resource.body.subarray(0, Math.floor(resource.body.length * (params.fraction ?? 0.5))));
      return;
    case 'slow':
      res.writeHead(...rangeHead(c, slice.length));
      trickle(c, slice, params.chunkBytes ?? 4096, params.delayMs ?? 20);
      return;
    case 'stall':
      res.writeHead(...rangeHead(c, slice.length));
      res.write(slice.subarray(0, cut));
      c.later(params.stallMs ?? 5000, () => socket.destroy());
      return;
    case 'stall-headers':
      c.later(params.stallMs ?? 5000, () => socket.destroy());
      return;
    case 'length-long':
      socket.write(rawHead(200, { ...resource.headers, 'content-length': String(resource.body.length + 1000), connection: 'close' }));
      socket.end(resource.body);
      return;
    case 'length-short':
      socket.write(rawHead(200, { ...resource.headers, 'content-length': String(Math.floor(resource.body.length / 2)), connection: 'close' }));
      socket.end(resource.body);
      return;
    case 'wrong-bytes': {
      const body = Buffer.from(slice);
      if (body.length > 0) body[cut % body.length] = (body[cut % body.length] ?? 0) ^ 0x5a;
      res.writeHead(...rangeHead(c, body.length)).end(body);
      return;
    }
    case 'range-ignored':
      res.writeHead(200, { ...resource.headers, 'content-length': String(resource.body.length) }).end(resource.body);
      return;
    case 'range-wrong-start': {
      const wrong = Math.max(0, start - 1000);
      const body = resource.body.subarray(wrong);
      res.writeHead(206, { ...resource.headers, 'content-length': String(body.length), 'content-range': `bytes ${wrong}-${resource.body.length - 1}/${resource.body.length}` }).end(body);
      return;
    }
    case 'range-wrong-bytes': {
      // The header is right, the bytes come from the start of the file.
      const body = resource.body.subarray(0, slice.length);
      res.writeHead(206, { ...resource.headers, 'content-length': String(body.length), 'content-range': `bytes ${start}-${resource.body.length - 1}/${resource.body.length}` }).end(body);
      return;
    }
    case 'redirect':
    case 'redirect-loop':
      res.writeHead(302, { location: `${REDIRECT_PREFIX}${c.req.url ?? '/'}` }).end();
      return;
    case 'redirect-bad-location':
      res.writeHead(302, { location: 'http://[::1' }).end();
      return;
  }
}

/** Status and headers for the part of the body from `rangeStart` (206) or all of it (200). */
function rangeHead(c: FaultContext, length: number): [number, Record<string, string>] {
  const headers = { ...c.resource.headers, 'content-length': String(length) };
  if (c.rangeStart === undefined) return [200, headers];
  const total = c.resource.body.length;
  return [206, { ...headers, 'content-range': `bytes ${c.rangeStart}-${total - 1}/${total}` }];
}

function trickle(c: FaultContext, body: Buffer, size: number, delay: number): void {
  let at = 0;
  const next = (): void => {
    if (c.res.destroyed) return;
    if (at >= body.length) return void c.res.end();
    const piece = body.subarray(at, at + size);
    at += piece.length;
    c.res.write(piece, () => c.later(delay, next));
  };
  next();
}

function rawHead(status: number, headers: Record<string, string>): string {
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  return `HTTP/1.1 ${status} ${status === 200 ? 'OK' : 'Status'}\r\n${lines.join('\r\n')}${lines.length > 0 ? '\r\n' : ''}\r\n`;
}
