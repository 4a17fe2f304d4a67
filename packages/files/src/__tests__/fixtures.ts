import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentProgress, type ExportContext, type Progress } from '@airlock/core';
import { testUpstreamTrust } from '@airlock/test-utils';
import { createFetcher, type ClosableFetcher } from '@airlock/fetch';

export interface RecordedTask {
  label: string;
  total: number | undefined;
  unit: string;
  advanced: number;
  done: boolean;
}

/** Progress that keeps warnings and tasks so tests can assert what was skipped and reported. */
export function recordingProgress(): Progress & { warnings: string[]; tasks: RecordedTask[] } {
  const warnings: string[] = [];
  const tasks: RecordedTask[] = [];
  return {
    ...silentProgress,
    warn: (m) => warnings.push(m),
    task: (label, total, unit) => {
      const task: RecordedTask = { label, total, unit, advanced: 0, done: false };
      tasks.push(task);
      return { advance: (n) => (task.advanced += n), done: () => (task.done = true) };
    },
    warnings,
    tasks,
  };
}

export function exportContext(o: { configDir: string; cacheDir: string; fetcher?: ClosableFetcher; progress?: Progress }): ExportContext {
  return {
    sourceName: 'tools',
    configDir: o.configDir,
    cacheDir: o.cacheDir,
    fetcher: o.fetcher ?? createFetcher({ retries: 0 }),
    progress: o.progress ?? recordingProgress(),
    upstream: testUpstreamTrust(),
  };
}

/** A static file server on 127.0.0.1 that counts requests per path. */
export async function serveFiles(files: Record<string, Buffer>): Promise<{ origin: string; hits: Map<string, number>; close(): Promise<void> }> {
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const body = files[path];
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
