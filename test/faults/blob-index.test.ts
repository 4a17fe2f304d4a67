import { chmod, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@airlock/test-utils';
import { airlock, airlockJson } from '../support/cli.js';
import { makeScenario, type Scenario } from '../support/scenario.js';
import { readBundleManifest, splitBlob, vaultDigests } from './support/site-files.js';

async function exported(): Promise<Scenario> {
  const s = await makeScenario(await tempDir(), { bigMiB: 1, maxSize: '512KiB' });
  expect((await airlock(['--home', s.siteHome, 'trust', 'add', s.exporterPublicKey])).code).toBe(0);
  expect((await airlock(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(1)])).code).toBe(0);
  return s;
}

const importKilledAt = async (s: Scenario, failpoint: string) => {
  const killed = await airlock(['--home', s.siteHome, 'import', s.bundle(1)], { env: { AIRLOCK_FAILPOINT: failpoint } });
  expect(killed.signal, killed.stderr).toBe('SIGKILL');
  const rerun = await airlock(['--home', s.siteHome, 'import', s.bundle(1)]);
  expect(rerun.code, rerun.stderr).toBe(0);
};

/** What status counts (the index as it stands) and what a receipt lists (after its reconciliation). */
async function indexAndReceipt(s: Scenario): Promise<{ indexed: number; receipt: string[] }> {
  const status = await airlockJson<{ vaultBlobs: number }>(['--home', s.siteHome, 'status']);
  const out = join(s.root, `receipt-${Date.now()}.json`);
  expect((await airlock(['--home', s.siteHome, 'receipt', '-o', out])).code).toBe(0);
  const receipt = JSON.parse(await readFile(out, 'utf8')) as { blobs: Array<{ digest: string }> };
  return { indexed: status.json.vaultBlobs, receipt: receipt.blobs.map((b) => b.digest) };
}

describe('the vault blob index drifts from the vault after a crash mid-volume (receipts under-report)', () => {
  it('killed after two blobs of a volume were stored: after the re-run the index and the receipt hold every vault blob', async () => {
    const s = await exported();
    await importKilledAt(s, 'import:entry-stored:2');
    const stored = await vaultDigests(s.siteHome);
    const { indexed, receipt } = await indexAndReceipt(s);
    expect(indexed).toBe(stored.length);
    expect(receipt).toEqual(stored);
  });

  it('killed after a split blob was assembled but before it was indexed: the re-run indexes it', async () => {
    const s = await exported();
    await importKilledAt(s, 'import:assembled');
    const big = splitBlob(await readBundleManifest(s.bundle(1)));
    const stored = await vaultDigests(s.siteHome);
    expect(stored).toContain(big.digest);
    const { indexed, receipt } = await indexAndReceipt(s);
    expect(indexed).toBe(stored.length);
    expect(receipt).toEqual(stored);
  });

  it('a receipt never claims a blob the vault no longer has', async () => {
    const s = await exported();
    expect((await airlock(['--home', s.siteHome, 'import', s.bundle(1)])).code).toBe(0);
    const [lost] = await vaultDigests(s.siteHome);
    const path = join(s.siteHome, 'vault', 'sha256', lost!.slice(7, 9), lost!.slice(7));
    await chmod(path, 0o644);
    await rm(path);
    const { receipt } = await indexAndReceipt(s);
    expect(receipt).not.toContain(lost);
    expect(receipt).toEqual(await vaultDigests(s.siteHome));
  });
});
