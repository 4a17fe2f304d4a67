import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTools, run, tempDir } from '@airlock/test-utils';
import { airlock, airlockJson } from './support/cli.js';
import { makeScenario } from './support/scenario.js';

describe.skipIf(!requireTools('gpg', 'sha256sum'))('a bundle checks out with stock tools, without airlock', () => {
  it('gpg --verify accepts SHA256SUMS.asc and sha256sum -c accepts every file', async () => {
    const s = await makeScenario(await tempDir(), { bigMiB: 1, maxSize: '512KiB' });
    expect((await airlock(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(1)])).code).toBe(0);
    const gnupg = join(s.root, 'gnupg');
    await mkdir(gnupg, { mode: 0o700 });
    const env = { ...process.env, GNUPGHOME: gnupg };
    expect(run('gpg', ['--batch', '--import', s.exporterPublicKey], { env }).status).toBe(0);
    const sums = run('gpg', ['--batch', '--status-fd', '1', '--verify', 'SHA256SUMS.asc', 'SHA256SUMS'], { cwd: s.bundle(1), env });
    expect(sums.status, sums.stderr).toBe(0);
    expect(sums.stdout).toContain(`VALIDSIG ${s.exporterFingerprint}`);
    const manifest = run('sh', ['-c', 'gpg --batch --verify *.manifest.json.asc *.manifest.json'], { cwd: s.bundle(1), env });
    expect(manifest.status, manifest.stderr).toBe(0);
    const check = run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: s.bundle(1) });
    expect(check.status, check.stderr).toBe(0);
    expect(check.stdout.match(/: OK$/gm)?.length).toBeGreaterThanOrEqual(3);

    await writeFile(join(s.bundle(1), 'SHA256SUMS'), 'tampered\n', { flag: 'a' });
    expect(run('gpg', ['--batch', '--verify', 'SHA256SUMS.asc', 'SHA256SUMS'], { cwd: s.bundle(1), env }).status).not.toBe(0);
  });
});

describe('configuration errors are reported all at once with exit code 2', () => {
  it('lists every bad field with its path', async () => {
    const dir = await tempDir();
    const config = join(dir, 'airlock.yaml');
    await writeFile(
      config,
      ['channel: "bad channel/"', 'colour: blue', 'volumes:', '  maxSize: lots', 'sources:', '  - type: nosuch', '    name: x', '  - type: files', ''].join('\n'),
    );
    const { result, json } = await airlockJson<{ error: { code: string; details: { problems: Array<{ path: string }> } } }>(['--home', join(dir, 'h'), 'plan', '-c', config]);
    expect(result.code).toBe(2);
    expect(json.error.code).toBe('CONFIG_INVALID');
    const paths = json.error.details.problems.map((p) => p.path);
    for (const expected of ['channel', 'colour', 'signing', 'volumes.maxSize', 'sources[0].type', 'sources[1].name']) expect(paths).toContain(expected);
  });

  it('a missing config file is a usage error', async () => {
    const dir = await tempDir();
    const result = await airlock(['--home', dir, 'export', '-c', join(dir, 'nope.yaml'), '-o', join(dir, 'out')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('CONFIG_NOT_FOUND');
  });
});
