import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentProgress } from '@airlock/core';
import { airlockHome, DriverRegistry, reissueVolumes } from '@airlock/engine';
import { createFetcher } from '@airlock/fetch';
import { filesDriver } from '@airlock/files';
import { loadConfig } from '@airlock/cli';
import { loadSigner } from '@airlock/pgp';
import { requireTools, tempDir } from '@airlock/test-utils';
import { airlock, airlockJson } from './support/cli.js';
import { writeExporterKey } from './support/exporter-key.js';
import { makeScenario, type Scenario } from './support/scenario.js';
import { describeTree } from './support/tree.js';

interface Manifest {
  id: string;
  volumes: Array<{ number: number; name: string; sha256: string }>;
}
interface ReissueJson {
  dir: string;
  volumes: Array<{ number: number; name: string; identical: boolean; statement: string | null }>;
}
interface VolumeOutcome {
  number: number;
  status: string;
  code?: string;
}
interface ImportJson {
  status: string;
  sequence: number;
  volumes?: VolumeOutcome[];
  error?: { code: string; details?: { volumes?: VolumeOutcome[] } };
}

/** How import or verify judged volume `n` (a refused volume ends the import with an error that lists them). */
async function outcomeOf(args: string[], n: number): Promise<VolumeOutcome | undefined> {
  const { json } = await airlockJson<ImportJson>(args);
  return (json.volumes ?? json.error?.details?.volumes)?.find((v) => v.number === n);
}

async function manifestOf(dir: string): Promise<Manifest> {
  const name = (await readdir(dir)).find((n) => n.endsWith('.manifest.json'))!;
  return JSON.parse(await readFile(join(dir, name), 'utf8')) as Manifest;
}

/** The site received the bundle without volume 2 (lost in transit), and imported what it had. */
async function lostVolume(): Promise<{ s: Scenario; m: Manifest; media: string }> {
  const s = await makeScenario(await tempDir(), { bigMiB: 1, maxSize: '512KiB' });
  expect((await airlock(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(1)])).code).toBe(0);
  const m = await manifestOf(s.bundle(1));
  expect(m.volumes.length).toBeGreaterThanOrEqual(3);
  const media = join(s.root, 'media');
  await mkdir(media);
  for (const name of await readdir(s.bundle(1))) if (name !== m.volumes[1]!.name) await copyFile(join(s.bundle(1), name), join(media, name));
  await airlock(['--home', s.siteHome, 'trust', 'add', s.exporterPublicKey]);
  const partial = await airlockJson<ImportJson>(['--home', s.siteHome, 'import', media]);
  expect(partial.json.status).toBe('incomplete');
  // The export host lost its copy too: the replacement is packed again from the sources.
  await rm(join(s.bundle(1), m.volumes[1]!.name));
  return { s, m, media };
}

const published = (s: Scenario) => describeTree(join(s.siteHome, 'publish/current/files/tools'));

describe('a lost or damaged volume is re-issued alone: airlock export --reissue BUNDLE_DIR --volume N', () => {
  it('packs volume 2 again, identical to the original (the signed manifest covers it), and the site publishes the same bundle', async () => {
    const { s, m } = await lostVolume();
    const out = join(s.root, 'replacement');
    const reissued = await airlockJson<ReissueJson>(['--home', s.exportHome, 'export', '-c', s.config, '--reissue', s.bundle(1), '--volume', '2', '-o', out]);
    expect(reissued.result.code, reissued.result.stderr).toBe(0);
    expect(reissued.json.volumes).toEqual([expect.objectContaining({ number: 2, name: m.volumes[1]!.name, identical: true, statement: null })]);
    expect((await readdir(out)).sort()).toEqual([`${m.id}.manifest.json`, `${m.id}.manifest.json.asc`, 'SHA256SUMS', 'SHA256SUMS.asc', m.volumes[1]!.name].sort());
    if (requireTools('sha256sum')) expect(spawnSync('sha256sum', ['-c', '--ignore-missing', 'SHA256SUMS'], { cwd: out }).status).toBe(0);
    const imported = await airlockJson<ImportJson>(['--home', s.siteHome, 'import', out]);
    expect(imported.result.code, imported.result.stderr).toBe(0);
    expect(imported.json).toMatchObject({ status: 'published', sequence: 1 });
    expect(await published(s)).toEqual(await describeTree(s.payload));
  });

  it('a replacement that differs from the original comes with a statement signed by the exporter key; tampered, misplaced or foreign statements are refused', async () => {
    const { s, m, media } = await lostVolume();
    const registry = new DriverRegistry([filesDriver]);
    const out = join(s.root, 'replacement');
    // Another zstd level stands in for another zstd build: same entries, other bytes.
    const result = await reissueVolumes({
      config: await loadConfig(s.config, registry), registry, home: airlockHome(s.exportHome), bundle: s.bundle(1), volumes: [2], outDir: out,
      fetcher: createFetcher(), progress: silentProgress, zstdLevel: 9,
    });
    const name = m.volumes[1]!.name;
    expect(result.volumes).toEqual([expect.objectContaining({ identical: false, statement: `${name}.reissue.json` })]);
    const statement = join(out, `${name}.reissue.json`);
    const original = await readFile(statement);

    // Tampered: the size/sha256 changed after signing.
    await writeFile(statement, original.toString().replace('"sequence":1', '"sequence":2'));
    expect(await outcomeOf(['--home', s.siteHome, 'import', out], 2)).toMatchObject({ status: 'failed', code: 'SIGNATURE_INVALID' });
    // Foreign: the same statement signed by another key the site trusts (it did not sign this bundle).
    await writeFile(statement, original);
    const genuineSignature = await readFile(`${statement}.asc`);
    const otherKey = await writeExporterKey(join(s.root, 'other-keys'), 'another exporter');
    await airlock(['--home', s.siteHome, 'trust', 'add', otherKey.publicKey]);
    await writeFile(`${statement}.asc`, await (await loadSigner(await readFile(otherKey.privateKey, 'utf8'))).signDetachedArmored(original));
    expect(await outcomeOf(['--home', s.siteHome, 'import', out], 2)).toMatchObject({ status: 'failed', code: 'SIGNATURE_INVALID' });
    await writeFile(`${statement}.asc`, genuineSignature);
    // Misplaced: a valid statement beside another volume's file.
    const other = m.volumes[2]!.name;
    await copyFile(join(media, other), join(out, other));
    await copyFile(statement, join(out, `${other}.reissue.json`));
    await copyFile(`${statement}.asc`, join(out, `${other}.reissue.json.asc`));
    expect(await outcomeOf(['--home', s.siteHome, 'verify', out], 3)).toMatchObject({ status: 'failed', code: 'VOLUME_UNKNOWN' });
    await rm(join(out, `${other}.reissue.json`));
    await rm(join(out, `${other}.reissue.json.asc`));
    // Without its statement the replacement is not the volume the manifest describes.
    await rm(statement);
    expect(await outcomeOf(['--home', s.siteHome, 'import', out], 2)).toMatchObject({ status: 'failed', code: 'DIGEST_MISMATCH' });

    await writeFile(statement, original);
    expect(await outcomeOf(['--home', s.siteHome, 'verify', out], 2)).toMatchObject({ status: 'ok' });
    const imported = await airlockJson<ImportJson>(['--home', s.siteHome, 'import', out]);
    expect(imported.result.code, imported.result.stderr).toBe(0);
    expect(imported.json).toMatchObject({ status: 'published', sequence: 1 });
    expect(await published(s)).toEqual(await describeTree(s.payload));
  });

  it('refuses volumes the bundle does not have, bundles another export home made, and blobs that are gone', async () => {
    const s = await makeScenario(await tempDir(), { bigMiB: 1, maxSize: '512KiB' });
    expect((await airlock(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(1)])).code).toBe(0);
    const reissue = (home: string, extra: string[]) => airlockJson<{ error?: { code: string } }>(['--home', home, 'export', '-c', s.config, '--reissue', s.bundle(1), ...extra]);
    expect((await reissue(s.exportHome, ['--volume', '99'])).json.error?.code).toBe('USAGE');
    expect((await reissue(s.exportHome, [])).json.error?.code).toBe('USAGE');
    expect((await reissue(s.exportHome, ['--volume', '1', '--full'])).json.error?.code).toBe('USAGE');
    expect((await reissue(join(s.root, 'another-home'), ['--volume', '1'])).json.error?.code).toBe('USAGE');
    // The big file changed upstream since the bundle was made: its volume cannot be made again.
    const m = await manifestOf(s.bundle(1));
    const files = await readdir(s.payload, { recursive: true, withFileTypes: true });
    const big = files.find((f) => f.isFile() && f.name.includes('big'))!;
    await writeFile(join(big.parentPath, big.name), 'replaced upstream\n');
    const codes = new Set<string>();
    for (const v of m.volumes) codes.add((await reissue(s.exportHome, ['--volume', String(v.number), '-o', join(s.root, `out-${v.number}`)])).json.error?.code ?? 'ok');
    expect(codes.has('BLOB_MISSING')).toBe(true);
  });
});
