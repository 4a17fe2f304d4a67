import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools, run } from '@airlock/test-utils';
import { airlock, airlockJson } from './support/cli.js';
import { writeExporterKey } from './support/exporter-key.js';

const BUILD_REPO = fileURLToPath(new URL('../fixtures/rpm/build-repo.sh', import.meta.url));
const SERVE_DIR = fileURLToPath(new URL('../fixtures/serve-dir.mjs', import.meta.url));

describe.skipIf(!requireTools('rpmbuild', 'createrepo_c', 'gpg'))('rpm: a source is verified unless the operator says insecure: true', () => {
  let root: string;
  let server: ChildProcess;
  let url: string;
  let exporterPublicKey: string;

  const config = async (name: string, lines: string[]): Promise<string> => {
    const path = join(root, `${name}.yaml`);
    await writeFile(path, ['channel: rpm-trust', 'signing:', `  key: ${join(root, 'exporter.key')}`, 'sources:', '  - type: rpm', '    name: fx', `    url: ${url}`, '    packages: [fx-lib]', ...lines.map((l) => `    ${l}`), ''].join('\n'));
    return path;
  };
  const exporter = ['--home', '', 'export'];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'airlock-rpm-insecure-'));
    const built = run('bash', [BUILD_REPO, join(root, 'upstream')]);
    if (built.status !== 0) throw new Error(built.stderr);
    server = spawn(process.execPath, [SERVE_DIR, join(root, 'upstream', 'repo')], { stdio: ['ignore', 'pipe', 'inherit'] });
    url = await new Promise<string>((resolve) => server.stdout?.once('data', (d: Buffer) => resolve(d.toString().trim())));
    exporterPublicKey = (await writeExporterKey(root, 'rpm trust exporter')).publicKey;
    exporter[1] = join(root, 'export-home');
  });
  afterAll(async () => {
    server?.kill('SIGTERM');
    await rm(root, { recursive: true, force: true });
  });

  it('regression: a source without gpgkey is a config error naming the source (it was mirrored unverified and re-signed with the site key)', async () => {
    const path = await config('no-key', []);
    for (const command of ['plan', 'export']) {
      const refused = await airlockJson<{ error: { code: string; message: string; details: { problems: Array<{ path: string }> } } }>(['--home', join(root, 'h0'), command, '-c', path, ...(command === 'export' ? ['-o', join(root, 'never')] : [])]);
      expect(refused.result.code).toBe(2);
      expect(refused.json.error.code).toBe('CONFIG_INVALID');
      expect(refused.json.error.details.problems.map((p) => p.path)).toEqual(['sources[0].gpgkey']);
      expect(refused.json.error.message).toContain('insecure: true');
    }
    expect(await readdir(root)).not.toContain('never');
  });

  it('insecure: true warns at plan, export and import; a site that pins keys for the source refuses the downgrade (UPSTREAM_UNSIGNED)', async () => {
    const site = ['--home', join(root, 'site')];
    await airlock([...site, 'trust', 'add', exporterPublicKey]);
    const signed = await config('signed', [`gpgkey: ${join(root, 'upstream', 'upstream.asc')}`]);
    expect((await airlock([...exporter, '-c', signed, '-o', join(root, 'b1')])).code).toBe(0);
    const first = await airlock([...site, 'import', join(root, 'b1')]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).not.toContain('INSECURE');

    const insecure = await config('insecure', ['insecure: true']);
    const plan = await airlock(['--home', join(root, 'export-home'), 'plan', '-c', insecure]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stderr).toContain('rpm/fx is INSECURE');
    const exported = await airlock([...exporter, '-c', insecure, '-o', join(root, 'b2')]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toContain('rpm/fx is INSECURE');

    const downgrade = await airlockJson<{ error: { code: string } }>([...site, 'import', join(root, 'b2')]);
    expect(downgrade.result.code).toBe(3);
    expect(downgrade.json.error.code).toBe('UPSTREAM_UNSIGNED');
    expect((await airlock([...site, 'trust', 'upstream', 'remove', 'rpm/fx'])).code).toBe(0);
    const imported = await airlock([...site, 'import', join(root, 'b2')]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toContain('rpm/fx is INSECURE');
  });
});
