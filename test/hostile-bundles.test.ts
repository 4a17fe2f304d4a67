import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateKey } from '@airlock/pgp';
import { tempDir } from '@airlock/test-utils';
import { airlock, airlockJson, type CliResult } from './support/cli.js';
import { flipByte, manifestFile, truncateBy, volumeFiles } from './support/bundle-files.js';
import { makeScenario, type Scenario } from './support/scenario.js';
import { describeTree } from './support/tree.js';

const VERIFICATION_EXIT = 3;

async function importJson(s: Scenario, n: number): Promise<{ result: CliResult; code?: string }> {
  const { result, json } = await airlockJson<{ error?: { code: string } }>(['--home', s.siteHome, 'import', s.bundle(n)]);
  return { result, code: json.error?.code };
}

async function exported(options: Parameters<typeof makeScenario>[1] = {}): Promise<Scenario> {
  const s = await makeScenario(await tempDir(), { bigMiB: 1, maxSize: '512KiB', ...options });
  const result = await airlock(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(1)]);
  expect(result.code, result.stderr).toBe(0);
  await airlock(['--home', s.siteHome, 'trust', 'add', s.exporterPublicKey]);
  return s;
}

const nothingPublished = async (s: Scenario) => {
  const status = await airlockJson<{ publication: unknown }>(['--home', s.siteHome, 'status']);
  expect(status.json.publication).toBeNull();
};

describe('hostile or damaged bundles are refused with coded errors and nothing is published', () => {
  it('a flipped byte in a volume: refused, the other volumes kept, a good copy completes the import', async () => {
    const s = await exported();
    const [victim] = await volumeFiles(s.bundle(1));
    const pristine = join(s.root, 'pristine-volume');
    await copyFile(victim!, pristine);
    await flipByte(victim!);
    const bad = await importJson(s, 1);
    expect(bad.result.code).toBe(VERIFICATION_EXIT);
    expect(['DIGEST_MISMATCH', 'VOLUME_CORRUPT', 'SIZE_MISMATCH', 'TAR_ENTRY_INVALID']).toContain(bad.code);
    await nothingPublished(s);
    const status = await airlockJson<{ waiting: Array<{ missing: string[] }> }>(['--home', s.siteHome, 'status']);
    expect(status.json.waiting[0]?.missing).toEqual([victim!.split('/').pop()]);
    await copyFile(pristine, victim!);
    const good = await importJson(s, 1);
    expect(good.result.code, good.result.stderr).toBe(0);
    expect(await describeTree(join(s.siteHome, 'publish/current/files/tools'))).toEqual(await describeTree(s.payload));
  });

  it('a flipped byte in the manifest breaks its signature', async () => {
    const s = await exported();
    await flipByte(await manifestFile(s.bundle(1)), 0.3);
    const r = await importJson(s, 1);
    expect(r.result.code).toBe(VERIFICATION_EXIT);
    expect(r.code).toMatch(/^(SIGNATURE_INVALID|MANIFEST_INVALID)$/);
    await nothingPublished(s);
  });

  it('a truncated volume is refused', async () => {
    const s = await exported();
    const volumes = await volumeFiles(s.bundle(1));
    await truncateBy(volumes[volumes.length - 1]!, 100);
    const r = await importJson(s, 1);
    expect(r.result.code).toBe(VERIFICATION_EXIT);
    expect(r.code).toBe('VOLUME_TRUNCATED');
    await nothingPublished(s);
  });

  it('a missing signature, an untrusted signer and an empty trust store are refused', async () => {
    const s = await exported();
    const manifest = await manifestFile(s.bundle(1));
    const asc = `${manifest}.asc`;
    await copyFile(asc, join(s.root, 'saved.asc'));
    await rm(asc);
    expect((await importJson(s, 1)).code).toBe('SIGNATURE_MISSING');
    await copyFile(join(s.root, 'saved.asc'), asc);

    const stranger = await generateKey({ name: 'stranger' });
    const otherSite = join(s.root, 'other-site');
    await mkdir(otherSite);
    await writeFile(join(s.root, 'stranger.asc'), stranger.armoredPublicKey);
    const emptyTrust = await airlockJson<{ error: { code: string } }>(['--home', otherSite, 'import', s.bundle(1)]);
    expect(emptyTrust.json.error.code).toBe('SIGNER_UNTRUSTED');
    await airlock(['--home', otherSite, 'trust', 'add', join(s.root, 'stranger.asc')]);
    const untrusted = await airlockJson<{ error: { code: string } }>(['--home', otherSite, 'import', s.bundle(1)]);
    expect(untrusted.result.code).toBe(VERIFICATION_EXIT);
    expect(untrusted.json.error.code).toBe('SIGNER_UNTRUSTED');
    const verify = await airlockJson<{ error: { code: string } }>(['verify', s.bundle(1), '--trust', join(s.root, 'stranger.asc')]);
    expect(verify.json.error.code).toBe('SIGNER_UNTRUSTED');
  });

  it('replayed and older sequences are refused, and an incremental without its base', async () => {
    const s = await exported({ maxSize: '4MiB' });
    const exp = async (n: number) => {
      await writeFile(join(s.payload, `added-${n}.txt`), `bundle ${n}\n`);
      expect((await airlock(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(n)])).code).toBe(0);
    };
    await exp(2);
    await exp(3);
    const baseMissing = await importJson(s, 2);
    expect(baseMissing.code).toBe('BASE_MISSING');
    expect((await importJson(s, 1)).result.code).toBe(0);
    const replay = await importJson(s, 1);
    expect(replay.result.code).toBe(VERIFICATION_EXIT);
    expect(replay.code).toBe('SEQUENCE_REPLAY');
    expect((await importJson(s, 2)).result.code).toBe(0);
    expect((await importJson(s, 3)).result.code).toBe(0);
    expect((await importJson(s, 2)).code).toBe('SEQUENCE_REPLAY');
    expect(await describeTree(join(s.siteHome, 'publish/current/files/tools'))).toEqual(await describeTree(s.payload));
  });

  it('an expired bundle is refused', async () => {
    const s = await exported({ expiresAfter: '1s' });
    await new Promise((r) => setTimeout(r, 1500));
    const r = await importJson(s, 1);
    expect(r.result.code).toBe(VERIFICATION_EXIT);
    expect(r.code).toBe('BUNDLE_EXPIRED');
  });

  it('a bad bundle leaves the previous publication exactly as it was', async () => {
    const s = await exported({ maxSize: '4MiB' });
    expect((await importJson(s, 1)).result.code).toBe(0);
    const before = await describeTree(join(s.siteHome, 'publish/current'));
    await writeFile(join(s.payload, 'README.txt'), 'version two\n');
    expect((await airlock(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(2)])).code).toBe(0);
    for (const v of await volumeFiles(s.bundle(2))) await flipByte(v, 0.9);
    expect((await importJson(s, 2)).result.code).toBe(VERIFICATION_EXIT);
    expect(await describeTree(join(s.siteHome, 'publish/current'))).toEqual(before);
  });
});
