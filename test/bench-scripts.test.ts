import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@airlock/test-utils';

const BENCH = fileURLToPath(new URL('../bench', import.meta.url));

function scripts(ext: string): string[] {
  const top = readdirSync(BENCH).filter((f) => f.endsWith(ext)).map((f) => join(BENCH, f));
  const nested = readdirSync(BENCH, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(BENCH, d.name)).filter((f) => f.endsWith(ext)).map((f) => join(BENCH, d.name, f)));
  return [...top, ...nested];
}

// Benchmarks are not run by npm test, so a broken report script was only found after a 12-minute run.
describe('the benchmark scripts', () => {
  it('all parse (node --check, bash -n)', () => {
    const mjs = scripts('.mjs');
    const sh = scripts('.sh');
    expect(mjs.length).toBeGreaterThan(3);
    for (const file of mjs) expect(spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' }).stderr, file).toBe('');
    for (const file of sh) expect(spawnSync('bash', ['-n', file], { encoding: 'utf8' }).stderr, file).toBe('');
  });

  // Regression: an apostrophe in a single-quoted string made bench/bundle/report.mjs a syntax error.
  it('bench/bundle/report.mjs turns recorded runs into ratios of medians, sync counted', async () => {
    const dir = await tempDir();
    const tsv = join(dir, 'runs.tsv');
    const row = (tool: string, round: number, secs: number, sync: number) => ['2GiB', 'incompressible', 'export-zstd', tool, round, secs, 200_000, sync, 1.0, 1000, ''].join('\t');
    writeFileSync(tsv, [row('airlock', 1, 4, 0), row('baseline-openssl', 1, 9, 1), row('airlock', 2, 6, 0), row('baseline-openssl', 2, 11, 1), row('airlock', 3, 5, 0), row('baseline-openssl', 3, 10, 1)].join('\n'));
    const json = join(dir, 'results.json');
    const skipped = join(dir, 'skipped.txt');
    writeFileSync(skipped, '');
    const markdown = execFileSync(process.execPath, [join(BENCH, 'bundle/report.mjs'), tsv, '--started', '2026-01-01T00:00:00Z', '--revision', 'test', '--load-start', 'x', '--load-end', 'y', '--skipped', skipped, '--json', json], { encoding: 'utf8' });
    const [result] = (JSON.parse(readFileSync(json, 'utf8')) as { rows: Array<{ ratio: number; met: boolean; rounds: number }> }).rows;
    // Medians: airlock 5 s, baseline 10 + 1 s of sync.
    expect(result).toMatchObject({ rounds: 3, met: true });
    expect(result?.ratio).toBeCloseTo(11 / 5, 5);
    expect(markdown).toContain('2.2');
  });
});
