#!/usr/bin/env node
// The demo's closing table: what crossed the gap (per source of the bundle's manifest, which
// `airlock verify` has checked: items and bytes carried) and who consumed it (the clients'
// results.tsv). Also writes both as JSON for the test that runs the demo.
// Usage: summary.mjs BUNDLE_DIR RESULTS_TSV OUT_JSON
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatSize } from '@airlock/core';

const [bundleDir, resultsFile, outFile] = process.argv.slice(2);
if (!bundleDir || !resultsFile || !outFile) {
  console.error('usage: summary.mjs BUNDLE_DIR RESULTS_TSV OUT_JSON');
  process.exit(2);
}
const manifestName = readdirSync(bundleDir).find((n) => n.endsWith('.manifest.json'));
if (!manifestName) throw new Error(`no manifest in ${bundleDir}`);
const manifest = JSON.parse(readFileSync(join(bundleDir, manifestName), 'utf8'));
const sizes = new Map(manifest.blobs.map((b) => [b.digest, b.size]));

const crossed = manifest.sources.map((s) => {
  const carried = s.requires.filter((d) => sizes.has(d));
  return { source: `${s.type}/${s.name}`, items: carried.length, bytes: carried.reduce((sum, d) => sum + sizes.get(d), 0) };
});
const consumed = readFileSync(resultsFile, 'utf8')
  .split('\n')
  .filter((line) => line !== '')
  .map((line) => {
    const [client, source, result, detail] = line.split('\t');
    return { client, source, result, detail };
  });
const media = manifest.volumes.reduce((sum, v) => sum + v.size, 0);
const blobBytes = manifest.blobs.reduce((sum, b) => sum + b.size, 0);

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `  ${cells.map((c, i) => (i === cells.length - 1 ? String(c) : String(c).padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
const right = (value, width) => String(value).padStart(width);

console.log(`What crossed: bundle ${manifest.id} (channel ${manifest.channel}, sequence ${manifest.sequence}), ${manifest.blobs.length} blobs, ${formatSize(blobBytes)} in ${manifest.volumes.length} volumes (${formatSize(media)} on the media)`);
console.log(table(['source', 'items', '     bytes'], crossed.map((c) => [c.source, right(c.items, 5), right(formatSize(c.bytes), 10)])));
console.log('');
console.log('Who consumed it:');
console.log(table(['client', 'source', 'result', 'what it got'], consumed.map((c) => [c.client, c.source, c.result, c.detail])));

const bundleFiles = readdirSync(bundleDir).map((n) => ({ name: n, size: statSync(join(bundleDir, n)).size }));
writeFileSync(outFile, `${JSON.stringify({ bundle: { id: manifest.id, volumes: manifest.volumes.length, files: bundleFiles }, crossed, consumed }, null, 2)}\n`);
