import { readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suiteDir, tempDir } from '@airlock/test-utils';
import { airlock, airlockJson } from './support/cli.js';
import { makeScenario, type Scenario } from './support/scenario.js';

const EDITIONS = 5;  // the kill tests below import five in a row, which also shows the retention of three
const edition = (n: number) => `edition ${n}\n`;

let s: Scenario;
let suite: { path: string; remove(): Promise<void> };
let template: string;

// One channel, EDITIONS bundles exported once (bundle n publishes README.txt = edition n);
// every test imports them into a fresh site home.
beforeAll(async () => {
  suite = await suiteDir();
  s = await makeScenario(suite.path, { bigMiB: 1, maxSize: '4MiB' });
  for (let n = 1; n <= EDITIONS; n++) {
    await writeFile(join(s.payload, 'README.txt'), edition(n));
    const exported = await airlock(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(n)]);
    expect(exported.code, exported.stderr).toBe(0);
  }
  template = join(suite.path, 'template-site');
  expect((await airlock(['--home', template, 'trust', 'add', s.exporterPublicKey])).code).toBe(0);
  await importEditions(template, 1, 2, 3);
});
afterAll(async () => suite.remove());

async function site(): Promise<string> {
  const home = join(await tempDir(), 'site');
  expect((await airlock(['--home', home, 'trust', 'add', s.exporterPublicKey])).code).toBe(0);
  return home;
}

/** A site that already published editions 1, 2 and 3 (a copy of one made once; the home holds no absolute paths). */
async function siteWithThree(): Promise<string> {
  const home = join(await tempDir(), 'site');
  execFileSync('cp', ['-a', template, home]);
  return home;
}

async function importEdition(home: string, n: number, env: NodeJS.ProcessEnv = {}) {
  return airlock(['--home', home, 'import', s.bundle(n)], { env });
}

async function importEditions(home: string, ...ns: number[]): Promise<void> {
  for (const n of ns) {
    const run = await importEdition(home, n);
    expect(run.code, run.stderr).toBe(0);
  }
}

const liveReadme = (home: string) => readFile(join(home, 'publish', 'current', 'files', 'tools', 'README.txt'), 'utf8');
const liveSnapshot = async (home: string) => (await readlink(join(home, 'publish', 'current'))).replace('snapshots/', '');
const snapshotIds = async (home: string) => (await readdir(join(home, 'publish', 'snapshots'))).sort();
const trash = async (home: string) => readdir(join(home, 'publish', 'trash')).catch(() => [] as string[]);

async function rollback(home: string) {
  return airlockJson<{ to?: string; error?: { code: string } }>(['--home', home, 'rollback']);
}

async function expectRollbackTo(home: string, n: number): Promise<void> {
  const run = await rollback(home);
  expect(run.result.code, run.result.stderr).toBe(0);
  expect(await liveReadme(home)).toBe(edition(n));
}

async function expectWholeSnapshots(home: string): Promise<void> {
  for (const id of await snapshotIds(home)) {
    expect(await readdir(join(home, 'publish', 'snapshots', id)), `snapshot ${id}`).toContain('airlock-publication.json');
  }
}

describe('pruning follows the rollback chain, and rollback only makes whole snapshots live', () => {
  it('after two rollbacks and a publish, airlock rollback still works (pruning ignored the rollback chain)', async () => {
    const home = await siteWithThree();
    await expectRollbackTo(home, 2);
    await expectRollbackTo(home, 1);
    await importEditions(home, 4);
    expect(await liveReadme(home)).toBe(edition(4));
    // 2 and 3 were abandoned by the rollbacks; 1 is what a rollback from 4 returns to.
    expect(await snapshotIds(home)).toEqual(['000001', '000004']);
    await expectRollbackTo(home, 1);
    const none = await rollback(home);
    expect(none.json.error?.code).toBe('NO_PREVIOUS_PUBLICATION');
  });

  it('rollback refuses a half-deleted snapshot (no airlock-publication.json) and leaves the live one alone', async () => {
    const home = await site();
    await importEditions(home, 1, 2);
    const victim = join(home, 'publish', 'snapshots', '000001');
    await rm(join(victim, 'airlock-publication.json'));
    await rm(join(victim, 'keys'), { recursive: true });
    const refused = await rollback(home);
    expect(refused.result.code).toBe(1);
    expect(refused.json.error?.code).toBe('NO_PREVIOUS_PUBLICATION');
    expect(await liveSnapshot(home)).toBe('000002');
    expect(await liveReadme(home)).toBe(edition(2));
    // It was retired: the next rollback finds nothing further back, and the next publish removes it.
    expect((await rollback(home)).json.error?.code).toBe('NO_PREVIOUS_PUBLICATION');
    await importEditions(home, 3);
    expect(await snapshotIds(home)).toEqual(['000002', '000003']);
  });

  for (const point of ['prune:after-retire', 'prune:after-trash-rename', 'prune:mid-delete']) {
    it(`a kill at ${point} leaves only whole snapshots, rollback works, and the next run sweeps the rest`, async () => {
      const home = await siteWithThree();
      const killed = await importEdition(home, 4, { AIRLOCK_FAILPOINT: point });
      expect(killed.signal).toBe('SIGKILL');
      expect(await liveReadme(home)).toBe(edition(4));
      await expectWholeSnapshots(home);
      if (point !== 'prune:after-retire') expect(await snapshotIds(home)).toEqual(['000002', '000003', '000004']);
      if (point !== 'prune:after-retire') expect((await trash(home)).length).toBe(1);

      const status = await airlockJson<{ channels: Array<{ lastSequence: number }>; publication: { snapshot: string } }>(['--home', home, 'status']);
      expect(status.json.channels[0]?.lastSequence).toBe(4);
      expect(status.json.publication.snapshot).toBe('000004');
      await expectRollbackTo(home, 3);
      expect(await trash(home)).toEqual([]);
      await expectRollbackTo(home, 2);
      expect((await rollback(home)).json.error?.code).toBe('NO_PREVIOUS_PUBLICATION');
      await importEditions(home, 5);
      expect(await snapshotIds(home)).toEqual(['000002', '000005']);
      expect(await trash(home)).toEqual([]);
    });
  }

  it('a prune that fails after the publication is recorded is a warning: the import succeeds and the next publish prunes', async () => {
    const home = await siteWithThree();
    await writeFile(join(home, 'publish', 'trash'), 'not a directory');
    const run = await importEdition(home, 4);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/removing old snapshots failed/);
    expect(await liveReadme(home)).toBe(edition(4));
    expect(await snapshotIds(home)).toEqual(['000001', '000002', '000003', '000004']);
    await rm(join(home, 'publish', 'trash'));
    await importEditions(home, 5);
    expect(await snapshotIds(home)).toEqual(['000003', '000004', '000005']);
    await expectRollbackTo(home, 4);
  });

  it('a rollback killed after its switch, re-run, lands on the same publication rather than one further back', async () => {
    const home = await siteWithThree();
    const killed = await airlock(['--home', home, 'rollback'], { env: { AIRLOCK_FAILPOINT: 'rollback:after-switch' } });
    expect(killed.signal).toBe('SIGKILL');
    expect(await liveReadme(home)).toBe(edition(2));
    await expectRollbackTo(home, 2);
    const status = await airlockJson<{ publication: { snapshot: string } }>(['--home', home, 'status']);
    expect(status.json.publication.snapshot).toBe('000002');
  });

  it('a publish killed after it recorded the publication is complete: the re-run is refused as a replay, nothing changes', async () => {
    const home = await site();
    await importEditions(home, 1);
    expect((await importEdition(home, 2, { AIRLOCK_FAILPOINT: 'publish:after-record' })).signal).toBe('SIGKILL');
    expect(await liveReadme(home)).toBe(edition(2));
    const again = await airlockJson<{ error?: { code: string } }>(['--home', home, 'import', s.bundle(2)]);
    expect(again.json.error?.code).toBe('SEQUENCE_REPLAY');
    await importEditions(home, 3);
    await expectRollbackTo(home, 2);
  });
});
