import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { onTestFinished, describe, expect, it } from 'vitest';
import { startServer } from './server.js';
import { publishDir } from './__tests__/fixture.js';

describe('bounded connections', () => {
  it('closes connections beyond maxConnections on arrival, so a client cannot exhaust the descriptors, and serves again once they go', async () => {
    const publish = await publishDir();
    await publish.snapshot('1', { 'a.txt': 'hello' });
    await publish.switchTo('1');
    const server = await startServer({ root: publish.current, host: '127.0.0.1', port: 0, maxConnections: 4 });
    onTestFinished(() => server.close());

    const sockets: Socket[] = [];
    let closedByServer = 0;
    for (let i = 0; i < 12; i++) {
      const socket = connect(server.port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.on('close', () => closedByServer++);
      sockets.push(socket);
    }
    await sleep(300);
    expect(closedByServer).toBe(8);
    for (const socket of sockets) socket.destroy();
    await sleep(100);
    const res = await fetch(`${server.url}a.txt`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('hello');
  });
});
