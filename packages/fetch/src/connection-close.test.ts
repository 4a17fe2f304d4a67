import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { EnvHttpProxyAgent } from 'undici';
import { describe, expect, it, onTestFinished } from 'vitest';
import { tempDir } from '@airlock/test-utils';
import { fetcher } from './__tests__/test-resources.js';
import { dispatchGet } from './dispatch-get.js';
import { TransientError } from './transient.js';

const BODY = randomBytes(4 << 20);
const DIGEST = `sha256:${createHash('sha256').update(BODY).digest('hex')}` as const;

/** A raw server that answers like HTTP/1.0 servers and many proxies: the connection ends the response. */
async function closingServer(framing: 'content-length' | 'close-delimited'): Promise<string> {
  const server: Server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => {
      const length = framing === 'content-length' ? `Content-Length: ${BODY.length}\r\n` : '';
      socket.write(`HTTP/1.1 200 OK\r\n${length}Connection: close\r\n\r\n`);
      socket.end(BODY);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(() => new Promise<void>((done) => server.close(() => done())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/file`;
}

describe('upstreams that close the connection after each response', () => {
  it.each(['content-length', 'close-delimited'] as const)('download and getBytes complete with %s framing (regression: undici#5360 crashed the process with an AssertionError on a paused parser)', async (framing) => {
    const url = await closingServer(framing);
    const dir = await tempDir();
    const f = fetcher();
    for (let i = 0; i < 15; i++) {
      const dest = join(dir, `out-${i}`);
      expect(await f.download(url, dest, { expected: { digest: DIGEST } })).toEqual({ digest: DIGEST, size: BODY.length });
      expect((await readFile(dest)).equals(BODY)).toBe(true);
      expect((await f.getBytes(url)).equals(BODY)).toBe(true);
    }
  });

  it('a consumer that falls too far behind gets a transient failure instead of unbounded buffering', async () => {
    const url = new URL(await closingServer('content-length'));
    const agent = new EnvHttpProxyAgent();
    onTestFinished(() => agent.close());
    const res = await dispatchGet(agent, url, { headers: {}, timeoutMs: 5000, maxBuffered: 256 * 1024 });
    expect(res.statusCode).toBe(200);
    const [err] = (await once(res.body, 'error')) as [unknown];
    expect(err).toBeInstanceOf(TransientError);
    expect(res.body.readableLength).toBeLessThan(BODY.length);
  });
});
