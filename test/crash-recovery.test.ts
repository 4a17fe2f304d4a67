import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@airlock/test-utils';
import { airlock, airlockJson } from './support/cli.js';
import { makeScenario, type Scenario } from './support/scenario.js';
import { describeTree } from './support/tree.js';

const killedAt = (failpoint: string) => ({ env: { AIRLOCK_FAILPOINT: failpoint } });

async function ready(options: Parameters<typeof makeScenario>[1] = {}): Promise<Scenario> {
  const s = await makeScenario(await tempDir(), { bigMiB: 1, maxSize: '512KiB', ...options });
  await airlock(['--home', s.siteHome, 'trust', 'add', s.exporterPublicKey]);
  return s;
}

const exportTo = (s: Scenario, n: number, options: { env?: NodeJS.ProcessEnv } = {}) =>
  airlock(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(n)], options);
const importFrom = (s: Scenario, n: number, options: { env?: NodeJS.ProcessEnv } = {}) => airlock(['--home', s.siteHome, 'import', s.bundle(n)], options);
const publishedTree = (s: Scenario) => describeTree(join(s.siteHome, 'publish/current/files/tools'));

describe('SIGKILL at any point, then re-run: the run completes and the old publication survives until the switch', () => {
  it('export killed after its first volume, then re-run', async () => {
    const s = await ready();
    const killed = await exportTo(s, 1, killedAt('export:volume-written'));
    expect(killed.signal).toBe('SIGKILL');
    expect((await readdir(s.bundle(1))).some((n) => n.endsWith('.manifest.json'))).toBe(false);
    const rerun = await exportTo(s, 1);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect((await airlock(['verify', s.bundle(1), '--trust', s.exporterPublicKey])).code).toBe(0);
    expect((await importFrom(s, 1)).code).toBe(0);
    expect(await publishedTree(s)).toEqual(await describeTree(s.payload));
  });

  it('export killed before writing its manifest, then re-run', async () => {
    const s = await ready();
    expect((await exportTo(s, 1, killedAt('export:before-manifest'))).signal).toBe('SIGKILL');
    const rerun = await airlockJson<{ sequence: number }>(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(1)]);
    expect(rerun.json.sequence).toBe(1);
    expect((await importFrom(s, 1)).code).toBe(0);
  });

  it('import killed while writing blobs, then re-run', async () => {
    const s = await ready();
    expect((await exportTo(s, 1)).code).toBe(0);
    const killed = await importFrom(s, 1, killedAt('import:entry-stored'));
    expect(killed.signal).toBe('SIGKILL');
    const rerun = await importFrom(s, 1);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(await publishedTree(s)).toEqual(await describeTree(s.payload));
  });

  for (const point of ['import:before-switch', 'import:after-switch']) {
    it(`import of a second bundle killed at ${point}: the first publication stays whole, the re-run publishes the second`, async () => {
      const s = await ready({ maxSize: '4MiB' });
      expect((await exportTo(s, 1)).code).toBe(0);
      expect((await importFrom(s, 1)).code).toBe(0);
      const first = await publishedTree(s);
      await writeFile(join(s.payload, 'README.txt'), 'second edition\n');
      expect((await exportTo(s, 2)).code).toBe(0);
      expect((await importFrom(s, 2, killedAt(point))).signal).toBe('SIGKILL');
      const afterCrash = await publishedTree(s);
      if (point === 'import:before-switch') expect(afterCrash).toEqual(first);
      else expect(afterCrash).toEqual(await describeTree(s.payload));
      const rerun = await importFrom(s, 2);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(await publishedTree(s)).toEqual(await describeTree(s.payload));
      const status = await airlockJson<{ channels: Array<{ lastSequence: number }>; waiting: unknown[] }>(['--home', s.siteHome, 'status']);
      expect(status.json.channels[0]?.lastSequence).toBe(2);
      expect(status.json.waiting).toEqual([]);
    });
  }
});
