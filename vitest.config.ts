import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const pkg = (name: string): string => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));
const packages = ['core', 'pgp', 'compress', 'bundle', 'state', 'fetch', 'vault', 'files', 'depsolve', 'apt', 'rpm', 'oci', 'simplestreams', 'snap', 'engine', 'serve', 'cli', 'test-utils'];

export default defineConfig({
  resolve: {
    alias: Object.fromEntries(packages.map((name) => [`@airlock/${name}`, pkg(name)])),
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
