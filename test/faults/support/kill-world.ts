import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { airlock, type CliResult } from '../../support/cli.js';
import { makeScenario, type Scenario } from '../../support/scenario.js';
import { describeTree } from '../../support/tree.js';
import type { ScenarioName } from './failpoints.js';
import { copyTree } from './tmpfs.js';

export const LAST = 5;

/**
 * Five bundles on one channel, each changing the files payload (small volumes, so blobs are split
 * across volumes and every loop point is passed several times). A site template has published
 * bundles 1 to 4; the kill runs import bundle 5 into a copy of it, roll it back, or export bundle 5
 * from a copy of the exporter's home as it was after bundle 4.
 */
export interface KillWorld {
  root: string;
  s: Scenario;
  /** describeTree JSON of each version's payload → its sequence (1-5): what a publication may be. */
  versionOf: Map<string, number>;
  readme: Map<number, string>;
  siteTemplate: string;
  exportTemplate: string;
  /** Failpoint passes and duration of one clean run of each scenario. */
  traces: Record<ScenarioName, { passes: Map<string, number>; ms: number }>;
}

async function mustSucceed(run: Promise<CliResult>, what: string): Promise<CliResult> {
  const r = await run;
  if (r.code !== 0) throw new Error(`${what} failed (${r.code ?? r.signal}): ${r.stderr}`);
  return r;
}

/** What each version changes: new, changed and removed files, a new split blob, a mode change. */
async function edit(payload: string, version: number): Promise<void> {
  await writeFile(join(payload, 'README.txt'), `edition ${version}\n`);
  if (version === 2) await writeFile(join(payload, 'data', 'v2.txt'), 'only in editions 2 and 3\n');
  if (version === 3) await writeFile(join(payload, 'images', 'v3.bin'), randomBytes(600 << 10));
  if (version === 4) {
    await rm(join(payload, 'data', 'v2.txt'));
    await writeFile(join(payload, 'bin', 'hello.sh'), '#!/bin/sh\necho "edition 4"\n', { mode: 0o755 });
  }
  if (version === 5) {
    await writeFile(join(payload, 'images', 'big.img'), randomBytes(1 << 20));
    await writeFile(join(payload, 'docs', 'v5.txt'), 'new in edition 5\n');
  }
}

export async function buildKillWorld(root: string): Promise<KillWorld> {
  const s = await makeScenario(root, { bigMiB: 1, maxSize: '256KiB' });
  const siteTemplate = join(root, 'site-template');
  const exportTemplate = join(root, 'export-template');
  const versionOf = new Map<string, number>();
  const readme = new Map<number, string>();
  await mustSucceed(airlock(['--home', siteTemplate, 'trust', 'add', s.exporterPublicKey]), 'trust add');
  for (let v = 1; v <= LAST; v++) {
    if (v > 1) await edit(s.payload, v);
    if (v === LAST) copyTree(s.exportHome, exportTemplate);
    versionOf.set(JSON.stringify(await describeTree(s.payload)), v);
    readme.set(v, await readFile(join(s.payload, 'README.txt'), 'utf8'));
    await mustSucceed(airlock(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(v)]), `export ${v}`);
    if (v < LAST) await mustSucceed(airlock(['--home', siteTemplate, 'import', s.bundle(v)]), `import ${v}`);
  }
  const world: KillWorld = { root, s, versionOf, readme, siteTemplate, exportTemplate, traces: {} as KillWorld['traces'] };
  for (const scenario of ['export', 'import', 'rollback'] as const) world.traces[scenario] = await traceRun(world, scenario);
  return world;
}

/** A fresh copy of what a scenario starts from, under `dir`. */
export function prepare(world: KillWorld, scenario: ScenarioName, dir: string): { home: string; args: string[]; out?: string } {
  if (scenario === 'export') {
    const home = join(dir, 'export-home');
    copyTree(world.exportTemplate, home);
    const out = join(dir, 'bundle');
    return { home, out, args: ['--home', home, 'export', '-c', world.s.config, '-o', out] };
  }
  const home = join(dir, 'site');
  copyTree(world.siteTemplate, home);
  return { home, args: scenario === 'import' ? ['--home', home, 'import', world.s.bundle(LAST)] : ['--home', home, 'rollback'] };
}

async function traceRun(world: KillWorld, scenario: ScenarioName): Promise<{ passes: Map<string, number>; ms: number }> {
  const dir = join(world.root, `trace-${scenario}`);
  const { args } = prepare(world, scenario, dir);
  const trace = join(dir, 'trace.txt');
  await writeFile(trace, '');
  const started = Date.now();
  await mustSucceed(airlock(args, { env: { AIRLOCK_FAILPOINT_TRACE: trace } }), `traced ${scenario}`);
  const ms = Date.now() - started;
  const passes = new Map<string, number>();
  for (const name of (await readFile(trace, 'utf8')).split('\n').filter(Boolean)) passes.set(name, (passes.get(name) ?? 0) + 1);
  await rm(dir, { recursive: true, force: true });
  return { passes, ms };
}
