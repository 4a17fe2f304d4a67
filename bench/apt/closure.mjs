#!/usr/bin/env node
// Closure over a synthetic 60k-stanza Packages.gz, the way the exporter does it: stream-parse
// with the apt driver's own index reader (bounded gunzip → entries read from the bytes), build the
// universe, walk the closure of a few roots. Reports time per stage and peak RSS (the file is
// made by a child process, so its memory is not counted). Usage: closure.mjs WORK [STANZAS]
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { AptUniverse, indexEntries } from '../../packages/apt/dist/index.js';
import { resolveClosure } from '../../packages/depsolve/dist/index.js';

const [work, countArg, generateInto] = process.argv.slice(2);
const count = Number(countArg ?? 60000);
const hex = (i) => i.toString(16).padStart(64, '0');

if (work === '--generate') {
  await generate(generateInto, Number(countArg));
  process.exit(0);
}
await mkdir(work, { recursive: true });
const file = join(work, 'Packages-60k.gz');
const made = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--generate', String(count), file], { stdio: 'inherit' });
if (made.status !== 0) process.exit(1);

const rssSamples = [];
const sampler = setInterval(() => rssSamples.push(process.memoryUsage().rss), 20);
const t0 = performance.now();
const universe = new AptUniverse({ dependencies: true, recommends: false, suggests: false });
let stanzas = 0;
for await (const entry of indexEntries(file, 'Packages.gz', 'bench')) {
  universe.add(entry);
  stanzas++;
}
const t1 = performance.now();
const roots = [59999, 45000, 30001, 12345, 777].map((i) => universe.candidates({ name: `pkg${i % 55000}` })[0]);
const closure = resolveClosure(roots, universe);
const t2 = performance.now();
clearInterval(sampler);
const s = (ms) => Number((ms / 1000).toFixed(2));
console.log(JSON.stringify({ stanzas, parse: s(t1 - t0), closure: s(t2 - t1), total: s(t2 - t0), chosen: closure.packages.length, unsatisfied: closure.unsatisfied.length, peakRssMiB: Math.round(Math.max(...rssSamples, process.memoryUsage().rss) / 1048576), maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));

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
