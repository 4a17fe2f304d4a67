import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateKey, loadSigner } from '@airlock/pgp';
import { tempDir } from '@airlock/test-utils';
import { airlock, airlockJson } from './support/cli.js';
import { makeScenario } from './support/scenario.js';

interface ExportJson {
  receipt?: { sequence: number; siteKey: { fingerprint: string; pinned: string } };
  error?: { code: string; details?: Record<string, unknown> };
}

describe('receipts: the exporter pins the site key per channel on first use', () => {
  it('regression: a receipt from another site key is refused (exit 3, SITE_KEY_MISMATCH) unless the operator accepts the new key', async () => {
    const s = await makeScenario(await tempDir(), { bigMiB: 1, maxSize: '4MiB' });
    const site = ['--home', s.siteHome];
    const exportTo = (n: number, extra: string[] = []) => airlockJson<ExportJson>(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(n), ...extra]);
    await airlock([...site, 'trust', 'add', s.exporterPublicKey]);
    expect((await exportTo(1)).result.code).toBe(0);
    expect((await airlock([...site, 'import', s.bundle(1)])).code).toBe(0);
    const receipt = join(s.root, 'site.receipt.json');
    expect((await airlock([...site, 'receipt', '-o', receipt])).code).toBe(0);
    const siteKey = join(s.siteHome, 'keys', 'site.pub.asc');
    const siteFingerprint = ((await airlockJson<{ siteKey: string }>([...site, 'init'])).json).siteKey;

    const noKeyYet = await exportTo(2, ['--receipt', receipt]);
    expect(noKeyYet.result.code).toBe(2);
    expect(noKeyYet.json.error?.code).toBe('USAGE');
    const pinned = await exportTo(2, ['--receipt', receipt, '--site-key', siteKey]);
    expect(pinned.result.code, pinned.result.stderr).toBe(0);
    expect(pinned.json.receipt?.siteKey).toEqual({ fingerprint: siteFingerprint, pinned: 'now' });
    // Once pinned, --site-key is no longer needed.
    const again = await exportTo(3, ['--receipt', receipt]);
    expect(again.result.code, again.result.stderr).toBe(0);
    expect(again.json.receipt?.siteKey).toEqual({ fingerprint: siteFingerprint, pinned: 'before' });

    // Another site (another home, another site key) hands over its receipt and key.
    const other = join(s.root, 'other-site');
    await airlock(['--home', other, 'trust', 'add', s.exporterPublicKey]);
    const otherReceipt = join(s.root, 'other.receipt.json');
    expect((await airlock(['--home', other, 'receipt', '-o', otherReceipt])).code).toBe(0);
    const otherKey = join(other, 'keys', 'site.pub.asc');
    const swapped = await exportTo(4, ['--receipt', otherReceipt, '--site-key', otherKey]);
    expect(swapped.result.code).toBe(3);
    expect(swapped.json.error?.code).toBe('SITE_KEY_MISMATCH');
    expect(swapped.json.error?.details).toMatchObject({ pinned: siteFingerprint });
    // Without --site-key the pin is used, and the other site's signature is not by it.
    const unsigned = await exportTo(4, ['--receipt', otherReceipt]);
    expect(unsigned.json.error?.code).toBe('SIGNER_UNTRUSTED');

    const accepted = await exportTo(4, ['--receipt', otherReceipt, '--site-key', otherKey, '--accept-new-site-key']);
    expect(accepted.result.code, accepted.result.stderr).toBe(0);
    expect(accepted.json.receipt?.siteKey.pinned).toBe('now');
    expect((await exportTo(5, ['--receipt', receipt])).json.error?.code).toBe('SIGNER_UNTRUSTED');
    expect((await exportTo(5, ['--receipt', receipt, '--accept-new-site-key'])).result.code).toBe(2);
  });

  it("refuses a receipt whose body names another site key than its signer's (SITE_KEY_MISMATCH)", async () => {
    const s = await makeScenario(await tempDir(), { bigMiB: 1, maxSize: '4MiB' });
    const site = ['--home', s.siteHome];
    await airlock([...site, 'trust', 'add', s.exporterPublicKey]);
    expect((await airlock(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(1)])).code).toBe(0);
    // A receipt written by this site's key but naming another fingerprint: the site itself would never write it.
    const key = await generateKey({ name: 'site' });
    const signer = await loadSigner(key.armoredPrivateKey);
    const body = JSON.stringify({ blobs: [], channels: [], createdAt: new Date().toISOString(), format: 'airlock-receipt', site: { fingerprint: 'F'.repeat(40) }, version: 1 });
    const receipt = join(s.root, 'odd.receipt.json');
    await writeFile(receipt, body);
    await writeFile(`${receipt}.asc`, await signer.signDetachedArmored(body));
    await writeFile(join(s.root, 'site.asc'), key.armoredPublicKey);
    const refused = await airlockJson<ExportJson>(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(2), '--receipt', receipt, '--site-key', join(s.root, 'site.asc')]);
    expect(refused.result.code).toBe(3);
    expect(refused.json.error?.code).toBe('SITE_KEY_MISMATCH');
    // Nothing was pinned by the refused receipt.
    const retry = await airlockJson<ExportJson>(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(2), '--receipt', receipt]);
    expect(retry.json.error?.code).toBe('USAGE');
  });
});
