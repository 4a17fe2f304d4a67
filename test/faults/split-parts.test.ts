import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@airlock/test-utils';
import { airlock, airlockJson } from '../support/cli.js';
import { makeScenario, type Scenario } from '../support/scenario.js';
import { describeTree } from '../support/tree.js';
import { readBundleManifest, splitBlob, volumeCarrying } from './support/site-files.js';

async function ready(): Promise<Scenario> {
  const s = await makeScenario(await tempDir(), { bigMiB: 1, maxSize: '256KiB' });
  expect((await airlock(['--home', s.siteHome, 'trust', 'add', s.exporterPublicKey])).code).toBe(0);
  return s;
}

const exportTo = (s: Scenario, n: number, extra: string[] = []) => airlock(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(n), ...extra]);
const importFrom = (s: Scenario, n: number, extra: string[] = []) =>
  airlockJson<{ status: string; missing: string[]; volumes: Array<{ name: string; status: string; message?: string }> }>(['--home', s.siteHome, 'import', s.bundle(n), ...extra]);
const published = (s: Scenario) => describeTree(join(s.siteHome, 'publish/current/files/tools'));

describe('split-blob parts keyed by index only (a re-carry with other part boundaries could never complete)', () => {
  it('a --full re-carry with another volume size completes after the first carry brought only part 0', async () => {
    const s = await ready();
    expect((await exportTo(s, 1)).code).toBe(0);
    const first = await readBundleManifest(s.bundle(1));
    const big = splitBlob(first);
    const partial = await importFrom(s, 1, ['--volume', join(s.bundle(1), volumeCarrying(first, big.digest, 0))]);
    expect(partial.result.code, partial.result.stderr).toBe(4);

    // The rest of bundle 1 is lost; the exporter sends everything again, cut at other boundaries.
    expect((await exportTo(s, 2, ['--full', '--max-volume-size', '384KiB'])).code).toBe(0);
    const second = splitBlob(await readBundleManifest(s.bundle(2)));
    expect(second.digest).toBe(big.digest);
    expect(second.parts[0]?.digest).not.toBe(big.parts[0]?.digest);
    const recarried = await importFrom(s, 2);
    expect(recarried.result.code, recarried.result.stderr).toBe(0);
    expect(recarried.json.status).toBe('published');
    expect(await published(s)).toEqual(await describeTree(s.payload));
  });

  it('a stored part found damaged at assembly sends the volume that carried it back to missing, and bringing it again completes', async () => {
    const s = await ready();
    expect((await exportTo(s, 1)).code).toBe(0);
    const m = await readBundleManifest(s.bundle(1));
    const big = splitBlob(m);
    const carrier = volumeCarrying(m, big.digest, 0);
    expect((await importFrom(s, 1, ['--volume', join(s.bundle(1), carrier)])).result.code).toBe(4);

    // The stored part rots on the site's disk while the other volumes are on their way.
    const partFile = join(s.siteHome, 'vault', 'parts', big.digest.slice(7), big.parts[0]!.digest.slice(7));
    const bytes = await readFile(partFile);
    bytes[100] = (bytes[100] ?? 0) ^ 0xff;
    await chmod(partFile, 0o644);
    await writeFile(partFile, bytes);

    const others = m.volumes.filter((v) => v.name !== carrier).map((v) => ['--volume', join(s.bundle(1), v.name)]).flat();
    const reopened = await importFrom(s, 1, others);
    expect(reopened.result.code, reopened.result.stderr).toBe(4);
    expect(reopened.json.missing).toEqual([carrier]);
    const report = reopened.json.volumes.find((v) => v.name === carrier);
    expect(report?.status).toBe('missing');
    expect(report?.message).toContain('was damaged in the vault');
    expect(reopened.result.stderr + reopened.result.stdout).not.toContain('DIGEST_MISMATCH');

    const status = await airlockJson<{ waiting: Array<{ missing: string[] }> }>(['--home', s.siteHome, 'status']);
    expect(status.json.waiting[0]?.missing).toEqual([carrier]);
    const completed = await importFrom(s, 1);
    expect(completed.result.code, completed.result.stderr).toBe(0);
    expect(await published(s)).toEqual(await describeTree(s.payload));
  });
});
