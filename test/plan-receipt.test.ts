import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@airlock/test-utils';
import { airlock, airlockJson } from './support/cli.js';
import { makeScenario } from './support/scenario.js';

interface PlanJson {
  sequence: number;
  base: { sequence: number } | null;
  volumes: number;
  carried: { blobs: number; bytes: number };
  receipt?: { sequence: number; blobs: number; siteKey: { fingerprint: string; pinned: string } };
  error?: { code: string };
}

describe('airlock plan --receipt FILE --site-key site.asc', () => {
  it('shows what an export against the receipt would ship, checks the receipt like export does, and records nothing', async () => {
    const s = await makeScenario(await tempDir(), { bigMiB: 1, maxSize: '4MiB' });
    const site = ['--home', s.siteHome];
    const exporter = ['--home', s.exportHome];
    await airlock([...site, 'trust', 'add', s.exporterPublicKey]);
    expect((await airlock([...exporter, 'export', '-c', s.config, '-o', s.bundle(1)])).code).toBe(0);
    expect((await airlock([...site, 'import', s.bundle(1)])).code).toBe(0);
    await writeFile(join(s.payload, 'lost.txt'), 'only bundle 2 carried this, and it never arrived\n');
    expect((await airlock([...exporter, 'export', '-c', s.config, '-o', s.bundle(2)])).code).toBe(0);

    const receipt = join(s.root, 'site.receipt.json');
    expect((await airlock([...site, 'receipt', '-o', receipt])).code).toBe(0);
    const siteKey = join(s.siteHome, 'publish', 'current', 'keys', 'site.asc');
    const plan = (extra: string[]) => airlockJson<PlanJson>([...exporter, 'plan', '-c', s.config, ...extra]);

    const planned = await plan(['--receipt', receipt, '--site-key', siteKey]);
    expect(planned.result.code, planned.result.stderr).toBe(0);
    expect(planned.json.sequence).toBe(3);
    expect(planned.json.base?.sequence).toBe(1);
    expect(planned.json.carried.blobs).toBe(2); // lost.txt and the catalog that lists it
    expect(planned.json.receipt).toMatchObject({ sequence: 1, siteKey: { pinned: 'now' } });
    const text = await airlock([...exporter, 'plan', '-c', s.config, '--receipt', receipt, '--site-key', siteKey]);
    expect(text.stdout).toContain('the site published sequence 1');
    expect(text.stdout).toContain('would ship 2 blob(s)');

    // Nothing was recorded: without the receipt the channel still builds on bundle 2 with nothing new,
    // and no site key was pinned (the receipt alone cannot be checked yet).
    const plain = await plan([]);
    expect(plain.json.base?.sequence).toBe(2);
    expect(plain.json.carried.blobs).toBe(0);
    expect((await plan(['--receipt', receipt])).json.error?.code).toBe('USAGE');

    // The export against the same receipt ships what the plan said.
    const exported = await airlockJson<{ base: { sequence: number }; carried: { blobs: number; bytes: number }; volumes: unknown[] }>(
      [...exporter, 'export', '-c', s.config, '-o', s.bundle(3), '--receipt', receipt, '--site-key', siteKey]);
    expect(exported.result.code, exported.result.stderr).toBe(0);
    expect(exported.json.carried).toEqual(planned.json.carried);
    expect(exported.json.volumes).toHaveLength(planned.json.volumes);
    expect((await airlock([...site, 'import', s.bundle(3)])).code).toBe(0);

    // Once pinned, a receipt signed by another key is refused by plan as by export.
    const other = join(s.root, 'other-site');
    await airlock(['--home', other, 'trust', 'add', s.exporterPublicKey]);
    expect((await airlock(['--home', other, 'import', s.bundle(1)])).code).toBe(0);
    const otherReceipt = join(s.root, 'other.receipt.json');
    expect((await airlock(['--home', other, 'receipt', '-o', otherReceipt])).code).toBe(0);
    const swapped = await plan(['--receipt', otherReceipt, '--site-key', join(other, 'publish', 'current', 'keys', 'site.asc')]);
    expect(swapped.json.error?.code).toBe('SITE_KEY_MISMATCH');
    expect((await plan(['--site-key', siteKey])).result.code).toBe(2);
  });
});
