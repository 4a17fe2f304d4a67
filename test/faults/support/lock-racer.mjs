#!/usr/bin/env node
// Takes airlock's home lock the way the CLI does and reports the outcome, for the lock race tests.
// Usage: lock-racer.mjs LOCK GO_FILE STOP_FILE   ("-" for no file)
// Prints "ready", waits until GO_FILE exists (so racers start together), then either prints "won"
// and holds the lock until STOP_FILE exists, or prints "locked …" and exits 5 (the CLI's LOCKED code).
import { existsSync } from 'node:fs';
import { acquireLock } from '@airlock/engine';

const [lock, go, stop] = process.argv.slice(2);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
process.stdout.write('ready\n');
while (go !== '-' && !existsSync(go)) await sleep(2);
try {
  const release = await acquireLock(lock, `racer ${process.pid}`);
  process.stdout.write('won\n');
  while (stop === '-' || !existsSync(stop)) await sleep(20);
  await release();
} catch (err) {
  if (err?.code !== 'LOCKED') throw err;
  process.stdout.write(`locked ${err.message}\n`);
  process.exit(5);
}
