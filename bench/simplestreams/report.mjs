#!/usr/bin/env node
// Turns run.sh's TSV into bench/simplestreams/RESULTS.md (stdout).
import { readFileSync } from 'node:fs';
const [tsv, ...rest] = process.argv.slice(2);
const opt = {};
for (let i = 0; i < rest.length; i += 2) opt[rest[i].replace(/^--/, '')] = rest[i + 1];
const runs = readFileSync(tsv, 'utf8').trim().split('\n').map((l) => {
  const [op, tool, round, secs, rss, sync, load] = l.split('\t');
  return { op, tool, round: Number(round), secs: Number(secs), rss: Number(rss), sync: Number(sync), load: Number(load) };
});
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const pick = (op, tool, f) => median(runs.filter((r) => r.op === op && r.tool === tool).map(f));
const mb = (s) => (Number(opt.bytes) / 1e6 / s).toFixed(0);
const lines = [
  '# simplestreams benchmark results',
  '',
  `Run ${opt.started} at ${opt.revision}: a ${(Number(opt.bytes) / 2 ** 30).toFixed(2)} GiB MAAS-shaped stream (4 images: squashfs, kernel, initrd, manifest; incompressible), served on 127.0.0.1. Medians of ${opt.rounds} interleaved rounds. Reproduce: \`bash bench/simplestreams/run.sh\`.`,
  '',
  '| operation | airlock | baseline (sha256sum) | ratio | baseline (openssl) | ratio | airlock peak RSS | sync after airlock / baseline |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];
for (const [op, label] of [['export', 'export (download + verify + pack)'], ['import', 'import (verify + ingest + publish)']]) {
  const a = pick(op, 'airlock', (r) => r.secs);
  const b = pick(op, 'baseline', (r) => r.secs);
  const c = pick(op, 'baseline-openssl', (r) => r.secs);
  lines.push(`| ${label} | ${a.toFixed(1)} s (${mb(a)} MB/s) | ${b.toFixed(1)} s | **${(b / a).toFixed(2)}×** | ${c.toFixed(1)} s | **${(c / a).toFixed(2)}×** | ${(pick(op, 'airlock', (r) => r.rss) / 1024).toFixed(0)} MiB | ${pick(op, 'airlock', (r) => r.sync).toFixed(1)} s / ${pick(op, 'baseline', (r) => r.sync).toFixed(1)} s |`);
}
lines.push('', 'Ratio = baseline time / airlock time (above 1: airlock is faster).', '', `Load at start: ${opt['load-start']}`, `Load at end: ${opt['load-end']}`, '', '## Every run', '', '| op | tool | round | s | peak RSS MiB | sync s | load1 |', '| --- | --- | ---: | ---: | ---: | ---: | ---: |');
for (const r of runs) lines.push(`| ${r.op} | ${r.tool} | ${r.round} | ${r.secs} | ${(r.rss / 1024).toFixed(0)} | ${r.sync} | ${r.load} |`);
console.log(lines.join('\n'));
