import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@airlock/test-utils';
import { airlock } from './support/cli.js';
import { makeScenario } from './support/scenario.js';
import { describeTree } from './support/tree.js';

const BUNDLED_CLI = fileURLToPath(new URL('../packages/cli/dist/airlock.mjs', import.meta.url));

// Regression: worker threads start from a script beside the module that starts them, and inside
// the one-file CLI that module is airlock.mjs; without the workers bundled beside it, every
// export or import with a volume large enough to go off the main thread failed.
describe('the bundled CLI starts its worker threads', () => {
  it('exports (files hashed on every core, volumes written off the main thread) and imports (volumes read off it) through airlock.mjs', async () => {
    expect(existsSync(BUNDLED_CLI), 'npm run build makes packages/cli/dist/airlock.mjs').toBe(true);
    const s = await makeScenario(await tempDir(), { bigMiB: 72, maxSize: '48MiB', compression: 'none' });
    const run = (args: string[]) => airlock(args, { script: BUNDLED_CLI });
    const exported = await run(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(1)]);
    expect(exported.code, exported.stderr).toBe(0);
    expect((await run(['--home', s.siteHome, 'trust', 'add', s.exporterPublicKey])).code).toBe(0);
    const imported = await run(['--home', s.siteHome, 'import', s.bundle(1)]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(await describeTree(join(s.siteHome, 'publish/current/files/tools'))).toEqual(await describeTree(s.payload));
  }, 120_000);
});
