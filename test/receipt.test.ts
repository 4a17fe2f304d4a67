import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateKey } from '@airlock/pgp';
import { tempDir } from '@airlock/test-utils';
import { airlock, airlockJson } from './support/cli.js';
import { makeScenario } from './support/scenario.js';
import { describeTree } from './support/tree.js';

describe('receipts: the site tells the exporter what it holds', () => {
  it('recovers from a lost bundle without a full re-export, and refuses forged receipts', async () => {
    const s = await makeScenario(await tempDir(), { bigMiB: 1, maxSize: '4MiB' });
    const site = ['--home', s.siteHome];
    const exportTo = (n: number, extra: string[] = []) =>
      airlockJson<{ base: { sequence: number } | null; carried: { blobs: number }; error?: { code: string } }>(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(n), ...extra]);
    await airlock([...site, 'trust', 'add', s.exporterPublicKey]);
    expect((await exportTo(1)).result.code).toBe(0);
    expect((await airlock([...site, 'import', s.bundle(1)])).code).toBe(0);

    await writeFile(join(s.payload, 'lost.txt'), 'only bundle 2 carried this\n');
    expect((await exportTo(2)).result.code).toBe(0); // this bundle never reaches the site
    await writeFile(join(s.payload, 'later.txt'), 'bundle 3\n');
    expect((await exportTo(3)).result.code).toBe(0);
    const refused = await airlockJson<{ error: { code: string } }>([...site, 'import', s.bundle(3)]);
    expect(refused.json.error.code).toBe('BASE_MISSING');

    const receipt = join(s.root, 'site.receipt.json');
    const written = await airlockJson<{ blobs: number }>([...site, 'receipt', '-o', receipt]);
    expect(written.result.code, written.result.stderr).toBe(0);
    expect(written.json.blobs).toBeGreaterThan(0);
    const siteKey = join(s.siteHome, 'publish', 'current', 'keys', 'site.asc');

    const stranger = await generateKey({ name: 'not the site' });
    await writeFile(join(s.root, 'stranger.asc'), stranger.armoredPublicKey);
    const wrongKey = await exportTo(4, ['--receipt', receipt, '--site-key', join(s.root, 'stranger.asc')]);
    expect(wrongKey.json.error?.code).toBe('SIGNER_UNTRUSTED');

    const recovered = await exportTo(4, ['--receipt', receipt, '--site-key', siteKey]);
    expect(recovered.result.code, recovered.result.stderr).toBe(0);
    expect(recovered.json.base?.sequence).toBe(1);
    expect(recovered.json.carried.blobs).toBe(3); // lost.txt, later.txt, the new catalog
    const imported = await airlock([...site, 'import', s.bundle(4)]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(await describeTree(join(s.siteHome, 'publish/current/files/tools'))).toEqual(await describeTree(s.payload));

    await appendFile(receipt, ' ');
    const tampered = await exportTo(5, ['--receipt', receipt, '--site-key', siteKey]);
    expect(tampered.json.error?.code).toBe('SIGNATURE_INVALID');
  });
});
