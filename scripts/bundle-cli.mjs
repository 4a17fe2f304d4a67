#!/usr/bin/env node
// Bundles the compiled CLI and every @airlock package it uses into one module
// (packages/cli/dist/airlock.mjs). Node's ESM loader spends most of a command's start-up walking
// the ~400 compiled modules; one file starts in about half the time. Third-party packages stay
// external: native addons must be, and the large ones are loaded on first use anyway.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

const workspace = {
  name: 'airlock-workspace',
  setup(b) {
    b.onResolve({ filter: /^@airlock\// }, (args) => {
      const name = args.path.slice('@airlock/'.length);
      const path = `${root}packages/${name}/dist/index.js`;
      if (!existsSync(path)) return { errors: [{ text: `${args.path} is not built (run tsc -b tsconfig.build.json first)` }] };
      return { path };
    });
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@airlock/') ? undefined : { path: args.path, external: true }));
  },
};

const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', plugins: [workspace], logLevel: 'warning' };
await build({ ...common, entryPoints: [`${root}packages/cli/dist/main.js`], outfile: `${root}packages/cli/dist/airlock.mjs` });
// Worker threads start from a script beside the module that starts them (core's workerScript):
// inside the bundle that module is airlock.mjs, so each worker is bundled beside it too.
for (const worker of ['bundle/dist/volume-io-worker.js', 'core/dist/hash-worker.js', 'apt/dist/closure-worker.js']) {
  const name = worker.split('/').pop();
  await build({ ...common, entryPoints: [`${root}packages/${worker}`], outfile: `${root}packages/cli/dist/${name}` });
}
