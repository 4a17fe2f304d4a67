#!/usr/bin/env node
// Closure over a synthetic 60k-stanza Packages.gz, the way the exporter does it: the apt driver's
// own closure (computeClosureOffThread: bounded gunzip → entries read from the bytes → universe →
// walk, on a thread of its own) over the file, for a few roots. Each round is a fresh process;
// reports the median time and the highest peak RSS of the rounds (the file is made by a child
// process, so its memory is not counted). Usage: closure.mjs WORK [STANZAS] [ROUNDS]
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { computeClosureOffThread } from '../../packages/apt/dist/index.js';

const [work, countArg, third] = process.argv.slice(2);
const count = Number(countArg ?? 60000);
const hex = (i) => i.toString(16).padStart(64, '0');
const self = fileURLToPath(import.meta.url);

if (work === '--generate') {
  await generate(third, Number(countArg));
  process.exit(0);
}
if (work === '--round') {
  await round(third);
  process.exit(0);
}
await mkdir(work, { recursive: true });
const file = join(work, 'Packages-60k.gz');
const made = spawnSync(process.execPath, [self, '--generate', String(count), file], { stdio: 'inherit' });
if (made.status !== 0) process.exit(1);
const rounds = [];
for (let i = 0; i < Number(third ?? 3); i++) {
  const run = spawnSync(process.execPath, [self, '--round', String(count), file], { encoding: 'utf8' });
  if (run.status !== 0) {
    process.stderr.write(run.stderr);
    process.exit(1);
  }
  rounds.push(JSON.parse(run.stdout));
}
const totals = rounds.map((r) => r.total).sort((a, b) => a - b);
const { stanzas, chosen, unsatisfied } = rounds[0];
console.log(JSON.stringify({
  stanzas, chosen, unsatisfied, rounds: rounds.length, total: totals[totals.length >> 1], totals: rounds.map((r) => r.total),
  peakRssMiB: Math.max(...rounds.map((r) => r.peakRssMiB)), peakRssMiBs: rounds.map((r) => r.peakRssMiB),
}));

async function round(file) {
  const rssSamples = [];
  const sampler = setInterval(() => rssSamples.push(process.memoryUsage().rss), 20);
  const t0 = performance.now();
  const requested = [59999, 45000, 30001, 12345, 777].map((i) => ({ name: `pkg${i % 55000}` }));
  const outcome = await computeClosureOffThread({
    indexes: [{ file, path: 'Packages.gz', label: 'bench' }],
    architectures: ['amd64'],
    options: { dependencies: true, recommends: false, suggests: false },
    requested,
  });
  const t1 = performance.now();
  clearInterval(sampler);
  const peak = Math.max(...rssSamples, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  console.log(JSON.stringify({ stanzas: count, total: Number(((t1 - t0) / 1000).toFixed(2)), chosen: outcome.keys.length, unsatisfied: outcome.unsatisfied.length, peakRssMiB: Math.round(peak / 1048576) }));
}

async function generate(file, count) {
  // Realistic shape: ~1 KiB stanzas, 0-6 dependencies, alternatives, versioned deps, virtual packages,
  // several versions of some packages, and Architecture: all.
  await pipeline(
    async function* () {
      for (let i = 0; i < count; i++) {
        const deps = [];
        for (let d = 0; d < i % 7 && i > 10; d++) {
          const target = (i * 7919 + d * 104729) % i;
          deps.push(d === 2 ? `pkg${target} | pkg${(target + 1) % i}` : d === 3 ? `virt${target % 500}` : `pkg${target} (>= 1.${d})`);
        }
        yield [
          `Package: pkg${i % 55000}`,
          `Version: ${i >= 55000 ? '2' : '1'}.${i % 10}-${i % 4}ubuntu${i % 3}`,
          `Architecture: ${i % 9 === 0 ? 'all' : 'amd64'}`,
          `Maintainer: Synthetic Maintainer <synthetic@example.invalid>`,
          `Installed-Size: ${i % 5000}`,
          ...(deps.length ? [`Depends: ${deps.join(', ')}`] : []),
          ...(i % 100 === 1 ? [`Provides: virt${(i / 100) % 500 | 0}`] : []),
          `Filename: pool/main/p/pkg${i}/pkg${i}_1.0_amd64.deb`,
          `Size: ${1000 + i}`,
          `SHA256: ${hex(i)}`,
          `Description: synthetic package ${i}`,
          ...Array.from({ length: 8 }, (_, k) => ` A line of long description text to make the stanza the size of a real one (${k}).`),
          '',
          '',
        ].join('\n');
      }
    },
    createGzip(),
    createWriteStream(file),
  );
}
