import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FAULT_KINDS, RANGE_FAULTS, REDIRECT_PREFIX, writeFault, type FaultKind, type FaultParams } from './fault-responses.js';
import { resourceResolver, type Resource, type ResourceSource } from './fault-source.js';

export { FAULT_KINDS, type FaultKind, type FaultParams } from './fault-responses.js';
export type { Resource, ResourceSource } from './fault-source.js';

/** Injects `kind` into the next `times` requests whose path matches (all paths by default). */
export interface FaultRule extends FaultParams {
  kind: FaultKind;
  match?: RegExp;
  /** How many matching requests get the fault (default 1; Infinity for all of them). */
  times?: number;
}

export interface FaultRequest {
  method: string;
  /** The path as the upstream sees it (a redirect's prefix removed). */
  path: string;
  range: string | undefined;
  fault: FaultKind | undefined;
}

export interface FaultServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  requests: FaultRequest[];
  /** Faults injected so far, by kind. */
  injected: Record<FaultKind, number>;
  addRule(rule: FaultRule): void;
  /** Rules whose budget is not spent yet. */
  pendingRules(): FaultRule[];
  /** Drops every rule: from now on the upstream is healthy. */
  clearRules(): void;
  close(): Promise<void>;
}

/**
 * A web server on 127.0.0.1 in front of a directory, another server or a handler, which answers
 * normally (Range, If-Range, ETag, HEAD) except where a rule injects a fault: 5xx, resets and
 * truncations mid-body, slow and stalled bodies, wrong lengths, wrong bytes, Range ignored or
 * answered wrong, redirects. Each fault is counted by kind, so tests can assert it happened.
 */
export async function startFaultServer(source: ResourceSource, rules: FaultRule[] = []): Promise<FaultServer> {
  const resolve = resourceResolver(source);
  const active = rules.map((r) => ({ ...r, left: r.times ?? 1 }));
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const server = createServer();
  const injected = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  const fault: FaultServer = {
    origin: '',
    requests: [],
    injected,
    addRule: (rule) => void active.push({ ...rule, left: rule.times ?? 1 }),
    pendingRules: () => active.filter((r) => r.left > 0),
    clearRules: () => void active.splice(0),
    close: () =>
      new Promise((done) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => done());
      }),
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const path = stripRedirects(req.url ?? '/');
      const range = typeof req.headers.range === 'string' ? req.headers.range : undefined;
      const rule = active.find((r) => r.left > 0 && (r.match?.test(path) ?? true) && (!RANGE_FAULTS.has(r.kind) || range !== undefined));
      const entry: FaultRequest = { method: req.method ?? 'GET', path, range, fault: undefined };
      fault.requests.push(entry);
      const resource = await resolve(req, path);
      if (!resource) return void res.writeHead(404).end();
      const rangeStart = rangeOf(req, resource);
      if (rule && (resource.status === 200 || rule.kind === 'status' || rule.kind.startsWith('redirect') || rule.kind === 'stall-headers')) {
        rule.left--;
        injected[rule.kind]++;
        entry.fault = rule.kind;
        return writeFault(rule.kind, { req, res, resource, rangeStart: rangeStart === 'unsatisfiable' ? undefined : rangeStart, params: rule, later });
      }
      answer(req, res, resource, rangeStart);
    })().catch((err: unknown) => res.destroy(err instanceof Error ? err : new Error(String(err))));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  fault.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fault;
}

/** A healthy answer: the whole body, or the requested range when If-Range (if any) still matches. */
function answer(req: IncomingMessage, res: ServerResponse, resource: Resource, rangeStart: number | 'unsatisfiable' | undefined): void {
  const total = resource.body.length;
  if (rangeStart === 'unsatisfiable') return void res.writeHead(416, { 'content-range': `bytes */${total}` }).end();
  const start = rangeStart ?? 0;
  const status = rangeStart === undefined ? resource.status : 206;
  const headers: Record<string, string> = { ...resource.headers, 'content-length': String(total - start), 'accept-ranges': 'bytes' };
  if (rangeStart !== undefined) headers['content-range'] = `bytes ${start}-${total - 1}/${total}`;
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : resource.body.subarray(start));
}

/** Where a `Range: bytes=N-` asks to start, if it applies to this resource. */
function rangeOf(req: IncomingMessage, resource: Resource): number | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''));
  if (!match || resource.status !== 200) return undefined;
  const ifRange = req.headers['if-range'];
  if (ifRange !== undefined && ifRange !== resource.headers.etag && ifRange !== resource.headers['last-modified']) return undefined;
  const start = Number(match[1]);
  return start >= resource.body.length ? 'unsatisfiable' : start;
}

function stripRedirects(url: string): string {
  let path = url;
  while (path.startsWith(`${REDIRECT_PREFIX}/`)) path = path.slice(REDIRECT_PREFIX.length);
  return path;
}
