#!/usr/bin/env node
// Makes `npm test` and `npm run demo` work straight after a clone: installs the locked
// dependencies (which builds every package) when they are not there yet.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

if (!existsSync(new URL('../node_modules/.package-lock.json', import.meta.url))) {
  console.error('bootstrap: installing dependencies with npm ci (first run only)');
  const result = spawnSync('npm', ['ci'], { stdio: 'inherit', cwd: new URL('..', import.meta.url) });
  process.exit(result.status ?? 1);
}
