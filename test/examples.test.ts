import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateKey } from '@airlock/pgp';
import { tempDir } from '@airlock/test-utils';
import { airlock, airlockJson } from './support/cli.js';

const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));

interface CheckJson {
  ok: boolean;
  kind: string;
  problems: Array<{ path: string; message: string }>;
  sources: Array<{ type: string; name: string }>;
}

const examples = (await readdir(EXAMPLES, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();

/** The files a shipped example reports missing: each must be one its keys/ or images/ README names. */
async function missingFiles(copy: string, config: string): Promise<Array<{ field: string; path: string }>> {
  const run = await airlockJson<CheckJson>(['config', 'check', join(copy, config)]);
  const missing: Array<{ field: string; path: string }> = [];
  for (const p of run.json.problems) {
    const match = /^(\/\S+) does not exist/.exec(p.message);
    expect(match, `${config}: ${p.path}: ${p.message} (only operator-supplied files may be missing)`).not.toBeNull();
    const path = match![1]!;
    const folder = relative(copy, dirname(path));
    expect(['keys', 'images'], `${path} must live in keys/ or images/`).toContain(folder);
    const readme = await readFile(join(copy, folder, 'README.md'), 'utf8');
    expect(readme, `${folder}/README.md must say where ${basename(path)} comes from`).toContain(`\`${basename(path)}\``);
    missing.push({ field: p.path, path });
  }
  return missing;
}

/** What the operator supplies, made for this run: the exporter key with the real command, test keys for keyrings. */
async function supply(copy: string, missing: Array<{ field: string; path: string }>): Promise<void> {
  for (const { field, path } of missing) {
    if (field === 'signing.key') {
      const made = await airlock(['key', 'generate', '--name', basename(path, '.key'), '--out', dirname(path)]);
      expect(made.code, made.stderr).toBe(0);
    } else if (/keyring|gpgkey/.test(field)) await writeFile(path, (await generateKey({ name: `test ${basename(path)}` })).armoredPublicKey);
    else if (path.endsWith('.json')) await writeFile(path, '{"auths": {}}\n');
    else await writeFile(path, `placeholder for ${relative(copy, path)}\n`);
  }
}

describe('examples/*: airlock config check accepts every worked example', () => {
  it('has the three worked examples', () => {
    expect(examples).toEqual(expect.arrayContaining(['kubernetes-disconnected', 'maas-airgap', 'pcg-on-maas']));
  });

  for (const name of examples) {
    it(`${name}: as shipped only operator-supplied files are missing; with them supplied the config and site config pass`, async () => {
      const copy = join(await tempDir(), name);
      await cp(join(EXAMPLES, name), copy, { recursive: true });
      const configs = (await readdir(copy)).filter((f) => f === 'airlock.yaml' || f === 'site.yaml');
      expect(configs).toContain('airlock.yaml');
      for (const config of configs) {
        const missing = await missingFiles(copy, config);
        expect(missing.some((m) => m.field === 'signing.key') || config === 'site.yaml').toBe(true);
        await supply(copy, missing);
        const run = await airlockJson<CheckJson>(['config', 'check', join(copy, config)]);
        expect(run.result.code, `${name}/${config}: ${JSON.stringify(run.json.problems)}`).toBe(0);
        expect(run.json.kind).toBe(config === 'site.yaml' ? 'site' : 'export');
      }
    });
  }

  it('maas-airgap carries MAAS images with bootloaders, a custom RHEL image, the maas snap with prerequisites and an apt subset', async () => {
    const copy = join(await tempDir(), 'maas');
    await cp(join(EXAMPLES, 'maas-airgap'), copy, { recursive: true });
    await supply(copy, await missingFiles(copy, 'airlock.yaml'));
    const run = await airlockJson<CheckJson>(['config', 'check', join(copy, 'airlock.yaml')]);
    expect(run.json.sources.map((s) => s.type).sort()).toEqual(['apt', 'simplestreams', 'snap']);
    const text = await readFile(join(copy, 'airlock.yaml'), 'utf8');
    expect(text).toMatch(/release~\(jammy\|noble\)/);
    expect(text).toMatch(/bootloaders: true/);
    expect(text).toMatch(/name: rhel\/9/);
    expect(text).toMatch(/prerequisites: true/);
  });
});
