import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { tempDir } from '@airlock/test-utils';
import { airlock, airlockJson } from './support/cli.js';
import { writeExporterKey } from './support/exporter-key.js';

const isRoot = process.getuid?.() === 0;

/** A real, small filesystem: a tmpfs of `mib` MiB (mounting needs root, which CI has). */
async function smallDisk(mib: number): Promise<string> {
  const dir = join(await tempDir(), 'disk');
  await mkdir(dir);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${mib}m`, 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.status !== 0) throw new Error(`mount tmpfs failed: ${mounted.stderr}`);
  // Registered after tempDir's cleanup, so it runs before it (onTestFinished runs in reverse).
  onTestFinished(() => void spawnSync('umount', [dir]));
  return dir;
}

/** 24 MiB of random (incompressible) files and a config that exports them. */
async function scenario(): Promise<{ root: string; config: string; exportHome: string; publicKey: string }> {
  const root = await tempDir();
  await mkdir(join(root, 'payload'));
  for (let i = 0; i < 3; i++) await writeFile(join(root, 'payload', `part-${i}.bin`), randomBytes(8 * 1024 * 1024));
  const key = await writeExporterKey(join(root, 'keys'));
  const config = join(root, 'airlock.yaml');
  await writeFile(config, 'channel: full-disk\nsigning: {key: keys/exporter.key}\nvolumes: {maxSize: 16MiB, compression: none}\nsources:\n  - {type: files, name: data, path: ./payload}\n');
  return { root, config, exportHome: join(root, 'export-home'), publicKey: key.publicKey };
}

interface ErrorJson {
  error: { code: string; message: string; details: { space: Array<{ where: string[]; needed: number; free: number }> } };
}

describe.skipIf(!isRoot)('free space is checked before anything moves (needs root to mount a small tmpfs)', () => {
  it('export refuses with DISK_FULL and the numbers before writing into a bundle directory that is too small', async () => {
    const s = await scenario();
    const disk = await smallDisk(8);
    const out = join(disk, 'bundle');
    const run = await airlockJson<ErrorJson>(['--home', s.exportHome, 'export', '-c', s.config, '-o', out]);
    expect(run.result.code).toBe(1);
    expect(run.json.error.code).toBe('DISK_FULL');
    const short = run.json.error.details.space[0];
    expect(short?.where).toContain('bundle directory');
    expect(short?.needed).toBeGreaterThan(24 * 1024 * 1024);
    expect(short?.free).toBeLessThanOrEqual(8 * 1024 * 1024);
    expect(run.result.stderr).toMatch(/needs 24\.\d MiB .* free/);
    expect(run.result.stderr).toMatch(/next: free space/);
    expect(await readdir(disk)).toEqual([]);
  });

  it('plan -o says the export would not fit, with the volumes it would write', async () => {
    const s = await scenario();
    const disk = await smallDisk(8);
    const run = await airlockJson<{ volumes: number; volumeSizes: unknown[]; space: Array<{ where: string[]; ok: boolean; needed: number; free: number }> }>(['--home', s.exportHome, 'plan', '-c', s.config, '-o', join(disk, 'bundle')]);
    expect(run.result.code).toBe(1);
    expect(run.json.volumes).toBeGreaterThanOrEqual(2);
    expect(run.json.volumeSizes).toHaveLength(run.json.volumes);
    const bundleDir = run.json.space.find((c) => c.where.includes('bundle directory'));
    expect(bundleDir?.ok).toBe(false);
    expect(run.json.space.filter((c) => !c.where.includes('bundle directory')).every((c) => c.ok)).toBe(true);
    const human = await airlock(['--home', s.exportHome, 'plan', '-c', s.config, '-o', join(disk, 'bundle')]);
    expect(human.stdout).toMatch(/bundle directory .*DOES NOT FIT/);
    expect(human.stderr).toMatch(/DISK_FULL/);
  });

  it('import refuses with DISK_FULL before ingesting into a vault that cannot hold the bundle, and publishes nothing', async () => {
    const s = await scenario();
    const bundle = join(s.root, 'bundle');
    expect((await airlock(['--home', s.exportHome, 'export', '-c', s.config, '-o', bundle])).code).toBe(0);
    const site = join(await smallDisk(12), 'site');
    expect((await airlock(['--home', site, 'trust', 'add', s.publicKey])).code).toBe(0);
    const run = await airlockJson<ErrorJson>(['--home', site, 'import', bundle]);
    expect(run.result.code, run.result.stderr).toBe(1);
    expect(run.json.error.code).toBe('DISK_FULL');
    expect(run.json.error.details.space.some((c) => c.where.includes('vault'))).toBe(true);
    const vaultDir = join(site, 'vault', 'sha256');
    const stored = await readdir(vaultDir).catch(() => []);
    expect(stored).toEqual([]);
    const status = await airlockJson<{ publication: unknown; waiting: Array<{ missing: string[] }> }>(['--home', site, 'status']);
    expect(status.json.publication).toBeNull();
  });
});
