import { request } from 'node:http';
import { mkdir, rename, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { onTestFinished } from 'vitest';
import { tempDir } from '@airlock/test-utils';
import { startServer } from '../server.js';
import type { RequestHandler, RequestLogEntry, RunningServer } from '../types.js';

export type Tree = Record<string, string | Buffer>;

export async function writeTree(dir: string, tree: Tree): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [path, content] of Object.entries(tree)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

/** A publish dir like the importer's: snapshots/<id>/ and a `current` symlink switched by rename. */
export async function publishDir(): Promise<{ home: string; current: string; snapshot(id: string, tree: Tree): Promise<string>; switchTo(id: string): Promise<void> }> {
  const home = await tempDir('airlock-serve-');
  const publish = join(home, 'publish');
  const current = join(publish, 'current');
  return {
    home,
    current,
    async snapshot(id, tree) {
      const dir = join(publish, 'snapshots', id);
      await writeTree(dir, tree);
      return dir;
    },
    async switchTo(id) {
      const tmp = join(publish, `.current-${id}.tmp`);
      await symlink(`snapshots/${id}`, tmp);
      await rename(tmp, current);
    },
  };
}

export async function serve(root: string, handlers?: RequestHandler[], publicUrl?: string): Promise<RunningServer & { log: RequestLogEntry[] }> {
  const log: RequestLogEntry[] = [];
  const server = await startServer({ root, host: '127.0.0.1', port: 0, handlers, onRequest: (entry) => log.push(entry), ...(publicUrl === undefined ? {} : { publicUrl }) });
  onTestFinished(() => server.close());
  return Object.assign(server, { log });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends `target` exactly as written: fetch() would normalise `..` and `%2e%2e` away before sending. */
export function rawRequest(port: number, target: string, method = 'GET', headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: target, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A server over a publication whose current snapshot holds `tree`. */
export async function servedTree(tree: Tree) {
  const publish = await publishDir();
  await publish.snapshot('1', tree);
  await publish.switchTo('1');
  return { publish, server: await serve(publish.current) };
}
