#!/usr/bin/env node
// Reads a simplestreams document that gpgv has verified and printed (gpgv --output) and lists what
// a mirror client fetches next: for an index, the path of each products file; for a products file,
// `sha256  path` of every item of every version, the format `sha256sum -c` checks.
// Usage: stream-items.mjs FILE
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: stream-items.mjs FILE');
  process.exit(2);
}
const doc = JSON.parse(readFileSync(file, 'utf8'));
if (doc.format === 'index:1.0') {
  for (const entry of Object.values(doc.index)) console.log(entry.path);
} else if (doc.format === 'products:1.0') {
  for (const product of Object.values(doc.products)) {
    for (const version of Object.values(product.versions ?? {})) {
      for (const item of Object.values(version.items ?? {})) console.log(`${item.sha256}  ${item.path}`);
    }
  }
} else {
  console.error(`${file}: not a simplestreams index or products file (format ${doc.format})`);
  process.exit(1);
}
