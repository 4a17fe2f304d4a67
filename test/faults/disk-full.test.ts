import { randomBytes } from 'node:crypto';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suiteDir } from '@airlock/test-utils';
import { airlock, type CliResult } from '../support/cli.js';
import { airlockPausedAt } from '../support/pause.js';
import { makeScenario, type Scenario } from '../support/scenario.js';
import { describeTree, type TreeEntry } from '../support/tree.js';
import { fetchText, serveSite } from './support/served.js';
import { CAN_MOUNT, copyTree, emptyDir, fillInodesLeaving, fillLeaving, mountTmpfs } from './support/tmpfs.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const README_V2 = 'second edition, carried in bundle 2\n';

interface World {
  s: Scenario;
  v1: Record<string, TreeEntry>;
  v2: Record<string, TreeEntry>;
  /** A site home (on the normal disk) that has published bundle 1. */
  template: string;
}

let world: World;
let suite: { path: string; remove(): Promise<void> };

/** Bundle 1 is the fixture payload; bundle 2 adds 3 MiB that cannot be compressed, and changes README.txt. */
async function buildWorld(): Promise<World> {
  suite = await suiteDir('airlock-disk-full-');
  const s = await makeScenario(suite.path, { bigMiB: 1, maxSize: '1MiB' });
  const template = join(suite.path, 'site-template');
  const ok = async (run: Promise<CliResult>) => {
    const r = await run;
    if (r.code !== 0) throw new Error(r.stderr);
  };
  await ok(airlock(['--home', template, 'trust', 'add', s.exporterPublicKey]));
  await ok(airlock(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(1)]));
  const v1 = await describeTree(s.payload);
  await ok(airlock(['--home', template, 'import', s.bundle(1)]));
  await writeFile(join(s.payload, 'data', 'new-3m.bin'), randomBytes(3 * MiB));
  await writeFile(join(s.payload, 'README.txt'), README_V2);
  await ok(airlock(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(2)]));
  return { s, v1, v2: await describeTree(s.payload), template };
}

const published = (site: string) => describeTree(join(site, 'publish', 'current', 'files', 'tools'));
const importArgs = (site: string): string[] => ['--home', site, 'import', world.s.bundle(2)];
const importBundle2 = (site: string) => airlock(importArgs(site));

/**
 * Where the disk fills up: before the import looks at free space (its pre-flight check then refuses
 * with the numbers), or after it (another process takes the space while the import writes).
 */
type FillMoment = 'before-space-check' | 'during-writes';
const PAUSE_AT: Record<FillMoment, string> = { 'before-space-check': 'import:after-verify', 'during-writes': 'import:after-space-check' };

/** A refused import must be DISK_FULL (exit 1) with a message that says where, how much, and that nothing live changed. */
function expectDiskFull(run: CliResult, mount: string): void {
  expect(run.code, run.stderr).toBe(1);
  expect(run.stderr).toContain('error [DISK_FULL]');
  // Either the pre-flight check's numbers, or the report of a write that ran out of space.
  expect(run.stderr).toMatch(/free of [\d.]+ [KMG]?i?B( and \d+ of \d+ inodes)? on the filesystem holding |stopped before it began:\n  - .*needs [\d.]+ [KMG]?i?B .*, [\d.]+ [KMG]?i?B free/);
  expect(run.stderr).toContain(mount);
  expect(run.stderr).not.toMatch(/unexpected error|Replace that volume|VOLUME_CORRUPT/);
}

async function expectStillServingV1(site: string): Promise<void> {
  expect(await published(site)).toEqual(world.v1);
  const server = await serveSite(site);
  try {
    const readme = await fetchText(server, 'files/tools/README.txt');
    expect(readme.status).toBe(200);
    expect(readme.body).not.toBe(README_V2);
    expect((await fetchText(server, 'files/tools/data/new-3m.bin')).status).toBe(404);
  } finally {
    await server.close();
  }
}

async function expectServingV2(site: string): Promise<void> {
  expect(await published(site)).toEqual(world.v2);
  const server = await serveSite(site);
  try {
    expect(await fetchText(server, 'files/tools/README.txt')).toEqual({ status: 200, body: README_V2 });
  } finally {
    await server.close();
  }
}

/**
 * One disk-full case: the site that published bundle 1 is copied onto the small disk, the disk is
 * filled by `fill`, bundle 2 is imported. It either publishes, or ends in DISK_FULL with bundle 1
 * still served; then the ballast is removed and the re-run must publish bundle 2.
 */
async function caseOnFullDisk(mount: string, fill: (mount: string) => Promise<void>, moment: FillMoment = 'during-writes'): Promise<'published' | 'disk-full'> {
  await emptyDir(mount);
  const site = join(mount, 'site');
  copyTree(world.template, site);
  const first = await airlockPausedAt(importArgs(site), PAUSE_AT[moment], () => fill(mount));
  expect(first.paused, `the import never reached ${PAUSE_AT[moment]}: ${first.stderr}`).toBe(true);
  let outcome: 'published' | 'disk-full' = 'published';
  if (first.code !== 0) {
    expectDiskFull(first, mount);
    await expectStillServingV1(site);
    outcome = 'disk-full';
  }
  await rm(join(mount, 'ballast'), { recursive: true, force: true });
  if (outcome === 'disk-full') {
    const rerun = await importBundle2(site);
    expect(rerun.code, rerun.stderr).toBe(0);
  }
  await expectServingV2(site);
  expect(await readdir(join(site, 'vault', 'tmp'))).toEqual([]);
  return outcome;
}

const reason = CAN_MOUNT ? '' : ' (skipped: mounting a tmpfs needs root)';

describe.skipIf(!CAN_MOUNT)(`disk full during import and export, on a real small tmpfs${reason}`, () => {
  let mount: string;
  let fewInodes: string;
  const unmounts: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    world = await buildWorld();
    mount = join(suite.path, 'small-disk');
    unmounts.push(await mountTmpfs(mount, { size: '48m' })); // room for the pre-flight check's estimate and reserve; the fill comes after it
    fewInodes = join(suite.path, 'few-inodes');
    unmounts.push(await mountTmpfs(fewInodes, { size: '64m', inodes: 1500 }));
  }, 120_000);
  afterAll(async () => {
    for (const unmount of unmounts) await unmount();
    await suite?.remove();
  });

  it('disk full while writing a blob is reported as a bad volume: it is DISK_FULL, the old publication stays served, and the re-run after freeing space publishes', async () => {
    expect(await caseOnFullDisk(mount, (m) => fillLeaving(join(m, 'ballast'), m, 1 * MiB))).toBe('disk-full');
  });

  it('wherever the disk fills up (manifest, state, vault, staging, publication), the import ends in DISK_FULL or publishes; never anything else', async () => {
    const outcomes: string[] = [];
    for (const leave of [0, 64 * KiB, 1 * MiB, 3 * MiB, 3.25 * MiB, 3.5 * MiB, 4 * MiB, 8 * MiB]) {
      outcomes.push(`${leave}:${await caseOnFullDisk(mount, (m) => fillLeaving(join(m, 'ballast'), m, leave))}`);
    }
    // Full before the import starts: the manifest and state writes, or the pre-flight check, refuse it.
    for (const leave of [0, 64 * KiB]) {
      expect(await caseOnFullDisk(mount, (m) => fillLeaving(join(m, 'ballast'), m, leave), 'before-space-check')).toBe('disk-full');
    }
    expect(outcomes.filter((o) => o.endsWith('disk-full')).length).toBeGreaterThanOrEqual(4);
    expect(outcomes.at(-1)).toBe(`${8 * MiB}:published`);
  }, 300_000);

  it('an export whose bundle directory fills up ends in DISK_FULL, leaves no manifest, and the re-run writes a bundle that verifies', async () => {
    await emptyDir(mount);
    const out = join(mount, 'bundle');
    const exportHome = join(suite.path, 'export-home-disk-full');
    const args = ['--home', exportHome, 'export', '-c', world.s.config, '-o', out];
    // The disk fills up after the pre-flight check passed, as when another process takes the space.
    const full = await airlockPausedAt(args, 'export:after-space-check', () => fillLeaving(join(mount, 'ballast'), mount, 1 * MiB));
    expect(full.paused, full.stderr).toBe(true);
    expect(full.code, full.stderr).toBe(1);
    expect(full.stderr).toContain('error [DISK_FULL]');
    expect(full.stderr).toMatch(/free of .* on the filesystem holding /);
    expect((await readdir(out)).filter((n) => n.endsWith('.manifest.json') || n.endsWith('.tmp'))).toEqual([]);
    await rm(join(mount, 'ballast'), { force: true });
    const rerun = await airlock(args);
    expect(rerun.code, rerun.stderr).toBe(0);
    const verified = await airlock(['verify', out, '--trust', world.s.exporterPublicKey]);
    expect(verified.code, verified.stderr).toBe(0);
  });

  it('out of inodes (mkdir, symlink and file creation fail with ENOSPC): the import ends in DISK_FULL or publishes, and the re-run after freeing them publishes', async () => {
    const outcomes: string[] = [];
    for (const leave of [0, 3, 10, 40, 400]) {
      outcomes.push(`${leave}:${await caseOnFullDisk(fewInodes, (m) => fillInodesLeaving(join(m, 'ballast'), m, leave))}`);
    }
    expect(outcomes.filter((o) => o.endsWith('disk-full')).length).toBeGreaterThanOrEqual(3);
    expect(outcomes.at(-1)).toBe('400:published');
  }, 300_000);
});
