#!/usr/bin/env node
// Prints the value at a dotted path of a JSON file (strings as they are, anything else as JSON;
// nothing when the path is absent), so the demo's bash can read JSON without jq.
// Usage: json-get.mjs FILE PATH   e.g. json-get.mjs refresh.json results.0.snap.revision
import { readFileSync } from 'node:fs';

const [file, path] = process.argv.slice(2);
if (!file || path === undefined) {
  console.error('usage: json-get.mjs FILE PATH');
  process.exit(2);
}
let value = JSON.parse(readFileSync(file, 'utf8'));
for (const key of path === '' ? [] : path.split('.')) value = value === null || typeof value !== 'object' ? undefined : value[key];
if (value !== undefined) process.stdout.write(typeof value === 'string' ? `${value}\n` : `${JSON.stringify(value)}\n`);
