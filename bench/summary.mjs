#!/usr/bin/env node
// Prints one table of every benchmark that wrote a results.json (bench/*/results.json): airlock
// against the fastest baseline of its run, the ratio (above 1: airlock is faster), the target.
// Usage: summary.mjs [--markdown FILE]
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const rows = [];
for (const name of readdirSync(here).sort()) {
  const file = join(here, name, 'results.json');
  if (!existsSync(file)) continue;
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  for (const row of doc.rows ?? []) rows.push({ ...row, bench: row.bench ?? name, when: doc.started });
}
const f = (x, d = 2) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '–');
const lines = [
  '| bench | size | payload | operation | airlock s | fastest baseline | baseline s | ratio | target | met | airlock peak RSS MiB |',
  '| --- | --- | --- | --- | ---: | --- | ---: | ---: | ---: | :---: | ---: |',
  ...rows.map((r) => {
    const rss = r.rssMiB === undefined ? '–' : `${r.rssMiB}${r.rssMiB > (r.rssTarget ?? 256) ? ' ✗' : ''}`;
    return `| ${r.bench} | ${r.size} | ${r.payload} | ${r.op} | ${f(r.airlock, 1)} | ${r.baselineName} | ${f(r.baseline, 1)} | **${f(r.ratio)}** | ${f(r.target, 1)} | ${r.met ? 'yes' : '**no**'} | ${rss} |`;
  }),
];
const text = [
  'Ratio = baseline time / airlock time, both counting the writeback `sync` after the run (above 1: airlock is faster).',
  'Closure: the baseline is the 1 s target itself. Details, loads and every run: bench/*/RESULTS.md.',
  '',
  ...lines,
  '',
].join('\n');
const out = process.argv.indexOf('--markdown');
if (out > 0 && process.argv[out + 1]) writeFileSync(process.argv[out + 1], text);
process.stdout.write(rows.length ? text : 'no benchmark has written results.json yet\n');
