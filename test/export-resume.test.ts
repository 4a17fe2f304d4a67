import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@airlock/test-utils';
import { airlock, airlockJson } from './support/cli.js';
import { makeScenario, type Scenario } from './support/scenario.js';
import { describeTree } from './support/tree.js';

interface ExportJson {
  volumes: Array<{ name: string; size: number; kept: boolean }>;
}

async function killedAfterTwoVolumes(): Promise<{ s: Scenario; before: Map<string, number> }> {
  const s = await makeScenario(await tempDir(), { bigMiB: 2, maxSize: '512KiB' });
  const killed = await airlock(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(1)], { env: { AIRLOCK_FAILPOINT: 'export:volume-written:2' } });
  expect(killed.signal, killed.stderr).toBe('SIGKILL');
  const names = (await readdir(s.bundle(1))).filter((n) => n.includes('.vol-')).sort();
  expect(names).toHaveLength(2);
  const before = new Map<string, number>();
  for (const name of names) before.set(name, (await stat(join(s.bundle(1), name))).ino);
  return { s, before };
}

const rerun = (s: Scenario, extra: string[] = []) => airlockJson<ExportJson>(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(1), ...extra]);

async function importsWhole(s: Scenario): Promise<void> {
  expect((await airlock(['verify', s.bundle(1), '--trust', s.exporterPublicKey])).code).toBe(0);
  expect((await airlock(['--home', s.siteHome, 'trust', 'add', s.exporterPublicKey])).code).toBe(0);
  const imported = await airlock(['--home', s.siteHome, 'import', s.bundle(1)]);
  expect(imported.code, imported.stderr).toBe(0);
  expect(await describeTree(join(s.siteHome, 'publish/current/files/tools'))).toEqual(await describeTree(s.payload));
}

describe('an interrupted export resumes instead of packing everything again', () => {
  it('killed after its second volume: the re-run keeps volumes 1 and 2 (same files) and packs only the rest', async () => {
    const { s, before } = await killedAfterTwoVolumes();
    const { result, json } = await rerun(s);
    expect(result.code, result.stderr).toBe(0);
    expect(json.volumes.length).toBeGreaterThan(3);
    expect(json.volumes.map((v) => v.kept)).toEqual(json.volumes.map((_, i) => i < 2));
    for (const [name, ino] of before) expect((await stat(join(s.bundle(1), name))).ino, `${name} was rewritten`).toBe(ino);
    await importsWhole(s);
  });

  it('a kept volume damaged after the kill (same size) is packed again; the undamaged one is kept', async () => {
    const { s, before } = await killedAfterTwoVolumes();
    const [first] = [...before.keys()];
    const path = join(s.bundle(1), first!);
    const bytes = await readFile(path);
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0x01;
    await writeFile(path, bytes);
    const { result, json } = await rerun(s);
    expect(result.code, result.stderr).toBe(0);
    expect(json.volumes.slice(0, 3).map((v) => v.kept)).toEqual([false, true, false]);
    await importsWhole(s);
  });

  it('a re-run that packs differently (another compression) keeps nothing and leaves no stale volume', async () => {
    const { s } = await killedAfterTwoVolumes();
    const { result, json } = await rerun(s, ['--compression', 'none']);
    expect(result.code, result.stderr).toBe(0);
    expect(json.volumes.every((v) => !v.kept && v.name.endsWith('.tar'))).toBe(true);
    expect((await readdir(s.bundle(1))).filter((n) => n.endsWith('.tar.zst'))).toEqual([]);
    await importsWhole(s);
  });
});
