import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suiteDir } from '@airlock/test-utils';
import { AIRLOCK_BIN, airlock, type CliResult } from '../support/cli.js';
import { failpointNames, hitsToKill, KILLED_ELSEWHERE, scenarioOf, type ScenarioName } from './support/failpoints.js';
import { expectExportConsistent, expectSiteSettled, expectWholePublication, siteChannel } from './support/kill-checks.js';
import { buildKillWorld, LAST, prepare, type KillWorld } from './support/kill-world.js';
import { concurrencyLimit, seededRandom } from './support/limit.js';
import { spawnNode } from './support/spawned.js';

const NAMES = failpointNames();
const MIN_FAILPOINTS = 20;
const MIN_KILLS = 50;
const RANDOM_KILLS: Record<ScenarioName, number> = { import: 10, export: 6, rollback: 4 };
const SEED = Number(process.env.AIRLOCK_FAULT_SEED ?? Date.now() % 1_000_000);

let world: KillWorld;
let suite: { path: string; remove(): Promise<void> };
let startupMs = 0;
let cases = 0;
const limit = concurrencyLimit(3);
const figures = { killed: 0, atFailpoints: 0, atRandomTimes: 0, finishedBeforeTheKill: 0, reruns: 0, survived: 0 };

type How = { failpoint: string } | { afterMs: number };

async function killedRun(args: string[], how: How): Promise<CliResult> {
  if ('failpoint' in how) return airlock(args, { env: { AIRLOCK_FAILPOINT: how.failpoint } });
  const run = spawnNode([AIRLOCK_BIN, ...args]);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), how.afterMs);
  const finished = await run.finished;
  clearTimeout(timer);
  return finished;
}

/**
 * One kill: start from a fresh copy, kill the run, check what it left, re-run when the job is not
 * done, check the end state. Returns false when a timed kill came after the run had finished.
 */
async function killCase(scenario: ScenarioName, how: How): Promise<boolean> {
  const why = `${scenario} killed ${'failpoint' in how ? `at ${how.failpoint}` : `after ${how.afterMs} ms (seed ${SEED})`}`;
  const dir = join(suite.path, `case-${++cases}`);
  const prep = prepare(world, scenario, dir);
  const killed = await killedRun(prep.args, how);
  if (killed.signal === 'SIGKILL') {
    figures.killed++;
    if ('failpoint' in how) figures.atFailpoints++;
    else figures.atRandomTimes++;
  } else {
    expect('afterMs' in how, `${why}: the failpoint was not reached (exit ${killed.code}): ${killed.stderr}`).toBe(true);
    expect(killed.code, `${why}: ${killed.stderr}`).toBe(0);
    figures.finishedBeforeTheKill++;
  }
  const rerun = async () => {
    figures.reruns++;
    const again = await airlock(prep.args);
    expect(again.code, `${why}, re-run: ${again.stderr}`).toBe(0);
  };
  if (scenario === 'import') {
    const live = await expectWholePublication(world, prep.home, `${why}, before the re-run`);
    expect([LAST - 1, LAST], why).toContain(live.version);
    if (siteChannel(prep.home).lastSequence !== LAST) await rerun();
    const settled = await expectWholePublication(world, prep.home, `${why}, after the re-run`);
    expect(settled.version, why).toBe(LAST);
    await expectSiteSettled(prep.home, settled, why);
  } else if (scenario === 'rollback') {
    const live = await expectWholePublication(world, prep.home, `${why}, before the re-run`);
    expect([LAST - 2, LAST - 1], why).toContain(live.version);
    if (!(live.version === LAST - 2 && siteChannel(prep.home).current === live.snapshot)) await rerun();
    const settled = await expectWholePublication(world, prep.home, `${why}, after the re-run`);
    expect(settled.version, why).toBe(LAST - 2);
    await expectSiteSettled(prep.home, settled, why);
  } else {
    const out = prep.out as string;
    if (!(await expectExportConsistent(world, prep.home, out, `${why}, before the re-run`))) {
      await rerun();
      expect(await expectExportConsistent(world, prep.home, out, `${why}, after the re-run`), why).toBe(true);
    }
    // The bundle the killed (and re-run) export left must publish version 5 on a site.
    const site = prepare(world, 'import', join(dir, 'importer'));
    const imported = await airlock(['--home', site.home, 'import', out]);
    expect(imported.code, `${why}, importing its bundle: ${imported.stderr}`).toBe(0);
    const settled = await expectWholePublication(world, site.home, `${why}, its bundle imported`);
    expect(settled.version).toBe(LAST);
    await expectSiteSettled(site.home, settled, why);
  }
  figures.survived++;
  return killed.signal === 'SIGKILL';
}

describe(`kill -9 at ${MIN_KILLS}+ points through export, import, publish and rollback, each followed by a re-run`, () => {
  beforeAll(async () => {
    suite = await suiteDir('airlock-kill9-');
    const started = Date.now();
    await airlock(['--version']);
    startupMs = Date.now() - started;
    world = await buildKillWorld(suite.path);
  }, 300_000);
  afterAll(async () => {
    console.info(`fault suite figures: ${JSON.stringify({ ...figures, failpoints: NAMES.length, seed: SEED })}`);
    await suite?.remove();
    expect(figures.killed, 'the suite must kill at least this many times').toBeGreaterThanOrEqual(MIN_KILLS);
    expect(figures.survived).toBe(figures.killed + figures.finishedBeforeTheKill);
  });

  it(`finds at least ${MIN_FAILPOINTS} failpoints in the sources, each in a part of the pipeline a scenario runs`, () => {
    expect(NAMES.length).toBeGreaterThanOrEqual(MIN_FAILPOINTS);
    expect(NAMES.filter((n) => scenarioOf(n) === null), 'failpoints no scenario reaches: add one in support/failpoints.ts').toEqual([]);
    for (const scenario of ['export', 'import'] as const) expect(NAMES.some((n) => scenarioOf(n) === scenario)).toBe(true);
  });

  describe.concurrent('at every failpoint (first, middle and last pass of a clean run)', () => {
    for (const name of NAMES) {
      const elsewhere = KILLED_ELSEWHERE[name];
      if (elsewhere !== undefined) {
        it(`kill -9 at ${name} runs in ${elsewhere}`, () => {
          const text = readFileSync(fileURLToPath(new URL(`../../${elsewhere}`, import.meta.url)), 'utf8');
          expect(text, `${elsewhere} must kill at ${name}`).toContain(`AIRLOCK_FAILPOINT: '${name}'`);
        });
        continue;
      }
      it(`kill -9 at ${name}`, async () => {
        const scenario = scenarioOf(name);
        if (scenario === null) throw new Error(`no scenario reaches ${name}`);
        const passes = world.traces[scenario].passes.get(name) ?? 0;
        expect(passes, `a clean ${scenario} run never passes ${name}; make a scenario reach it`).toBeGreaterThan(0);
        for (const hit of hitsToKill(passes)) await limit(() => killCase(scenario, { failpoint: `${name}:${hit}` }));
      }, 300_000);
    }
  });

  describe.concurrent(`at random moments (seed ${SEED}; replay with AIRLOCK_FAULT_SEED)`, () => {
    const random = seededRandom(SEED);
    for (const scenario of ['import', 'export', 'rollback'] as const) {
      for (let i = 1; i <= RANDOM_KILLS[scenario]; i++) {
        const fraction = random();
        it(`kill -9 during ${scenario} #${i}`, async () => {
          const { ms } = world.traces[scenario];
          let afterMs = Math.round(startupMs * 0.8 + Math.max(0, ms - startupMs * 0.8) * fraction);
          // A run faster than the traced one may finish first: then try again, earlier.
          for (let attempt = 0; attempt < 4 && !(await limit(() => killCase(scenario, { afterMs }))); attempt++) afterMs = Math.round(afterMs * 0.6);
        }, 300_000);
      }
    }
  });
});
