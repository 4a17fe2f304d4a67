import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { airlockHome } from '@airlock/engine';
import { tempDir } from '@airlock/test-utils';
import { airlock } from '../support/cli.js';
import { spawnNode, type Finished, type Spawned } from './support/spawned.js';

const RACER = fileURLToPath(new URL('./support/lock-racer.mjs', import.meta.url));
const RACERS = 8;
const ROUNDS = 2;

/** A holder that takes the lock and keeps it until it is killed. */
async function killedHolder(lock: string): Promise<void> {
  const holder = spawnNode([RACER, lock, '-', '-']);
  await holder.printed('won');
  holder.child.kill('SIGKILL');
  expect((await holder.finished).signal).toBe('SIGKILL');
}

/** Starts the racers together once all are loaded; the winner holds the lock until every loser has given up. */
async function race(lock: string, round: number): Promise<Finished[]> {
  const go = `${lock}.go-${round}`;
  const stop = `${lock}.stop-${round}`;
  const racers = Array.from({ length: RACERS }, () => spawnNode([RACER, lock, go, stop]));
  await Promise.all(racers.map((r) => r.printed('ready')));
  await writeFile(go, '');
  const results = new Map<Spawned, Finished>();
  await Promise.all(
    racers.map(async (r) => {
      await Promise.race([r.printed('won'), r.finished]);
      if (!r.stdout().includes('won')) results.set(r, await r.finished);
    }),
  );
  await writeFile(stop, '');
  for (const r of racers) results.set(r, await r.finished);
  return racers.map((r) => results.get(r) as Finished);
}

describe('lock takeover race (two importers could hold the home lock at once)', () => {
  it(`of ${RACERS} processes racing for a lock whose holder was SIGKILLed, exactly one wins and the rest get LOCKED (exit 5)`, async () => {
    const lock = airlockHome(await tempDir()).lock;
    for (let round = 0; round < ROUNDS; round++) {
      await killedHolder(lock);
      const results = await race(lock, round);
      const winners = results.filter((r) => r.stdout.includes('won\n'));
      expect(winners.length, results.map((r) => `${r.code} ${r.stdout} ${r.stderr}`).join('\n')).toBe(1);
      for (const loser of results.filter((r) => !r.stdout.includes('won\n'))) {
        expect(loser.code, loser.stderr).toBe(5);
        expect(loser.stdout).toMatch(/\nlocked another airlock process \((pid \d+, racer \d+|pid unknown)\) is using this home/);
      }
    }
  }, 60_000);

  it('a SIGKILLed holder leaves no lock behind: the next command runs at once', async () => {
    const root = await tempDir();
    const home = airlockHome(root);
    await killedHolder(home.lock);
    const started = Date.now();
    const receipt = await airlock(['--home', root, 'receipt', '-o', join(root, 'receipt.json')]);
    expect(receipt.code, receipt.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('while a live process holds the lock, every racing CLI import, receipt and rollback exits 5 with LOCKED', async () => {
    const root = await tempDir();
    const home = airlockHome(root);
    const holder = spawnNode([RACER, home.lock, '-', '-']);
    try {
      await holder.printed('won');
      const runs = await Promise.all([
        airlock(['--home', root, 'import', join(root, 'no-bundle')]),
        airlock(['--home', root, 'import', join(root, 'no-bundle')]),
        airlock(['--home', root, 'receipt', '-o', join(root, 'r.json')]),
        airlock(['--home', root, 'rollback']),
      ]);
      for (const run of runs) {
        expect(run.code, run.stderr).toBe(5);
        expect(run.stderr).toContain('error [LOCKED]');
        expect(run.stderr).toContain(`pid ${holder.child.pid}`);
      }
    } finally {
      holder.child.kill('SIGKILL');
      await holder.finished;
    }
  }, 60_000);
});
