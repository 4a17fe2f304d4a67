// Builds the demo's upstreams, one per content type, with the fixture builders in fixtures/ (real
// tools: dpkg-deb, rpmbuild, umoci, mksquashfs, gpg, ...), serves each on 127.0.0.1, writes
// DEMO/airlock.yaml naming them and DEMO/upstream/upstreams.json (what the clients check against),
// then keeps serving until SIGTERM/SIGINT or until the script that started it is gone.
// A content type whose builder tools are missing is left out and reported, never a failure.
// Usage: node upstreams.js DEMO_DIR
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { builders, hasCommand, type Built, type Running } from './upstream-builders.js';

const demo = process.argv[2];
if (!demo) throw new Error('usage: upstreams.js DEMO_DIR');

const running: Running = { stops: [] };
let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const stop of running.stops.reverse()) await stop().catch(() => undefined);
  process.exit(code);
}
process.once('SIGTERM', () => void shutdown(0));
process.once('SIGINT', () => void shutdown(0));
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void shutdown(0);
}, 1000).unref();

const CONFIG_HEAD = [
  '# The demo site: one channel, one bundle of 1 MiB volumes carrying every content type.',
  '# Relative paths are relative to this file.',
  'channel: demo-site',
  'signing:',
  '  key: keys/exporter.key',
  'volumes:',
  '  maxSize: 1MiB',
  '  compression: zstd',
  'sources:',
];

async function main(): Promise<void> {
  const started: Array<Promise<Built>> = [];
  const skipped: Array<{ type: string; reason: string }> = [];
  for (const b of builders) {
    const missing = b.tools.filter((t) => !hasCommand(t));
    if (missing.length > 0) {
      skipped.push({ type: b.type, reason: `needs ${missing.join(', ')} (scripts/install-test-deps.sh installs them)` });
      continue;
    }
    started.push(
      b.build(join(demo as string, 'upstream', b.type), running).then((built) => {
        console.log(`  ${b.type.padEnd(13)} ${built.summary}`);
        return built;
      }),
    );
  }
  for (const s of skipped) console.log(`  ${s.type.padEnd(13)} LEFT OUT: ${s.reason}`);
  const built = await Promise.all(started);
  await writeFile(join(demo as string, 'airlock.yaml'), [...CONFIG_HEAD, ...built.flatMap((b) => b.config), ''].join('\n'));
  const facts = { ...Object.fromEntries(built.map((b) => [b.type, b.facts])), skipped: Object.fromEntries(skipped.map((s) => [s.type, s.reason])) };
  const out = join(demo as string, 'upstream', 'upstreams.json');
  await writeFile(`${out}.tmp`, `${JSON.stringify(facts, null, 2)}\n`);
  await rename(`${out}.tmp`, out);
}

main().catch((err: unknown) => {
  console.error(`upstreams: ${err instanceof Error ? err.message : String(err)}`);
  void shutdown(1);
});
