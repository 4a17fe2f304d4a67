import { copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '@airlock/core';
import { SiteState } from '@airlock/state';
import { tempDir } from '@airlock/test-utils';
import { airlock, airlockJson } from './support/cli.js';
import { airlockPausedAt } from './support/pause.js';
import { makeScenario, type Scenario } from './support/scenario.js';
import { describeTree } from './support/tree.js';

interface StatusJson {
  channels: Array<{ name: string; lastSequence: number }>;
  publication: { snapshot: string; sources: Array<{ channel: string; type: string; name: string; catalog: string; bundle: string; sequence: number }> } | null;
}

/** A site fed by two channels: the scenario's `test-site` (files/tools) and `second-site` (files/extra). */
async function twoChannels(): Promise<Scenario & { secondConfig: string; second: (n: number) => string }> {
  const s = await makeScenario(await tempDir(), { bigMiB: 1, maxSize: '4MiB' });
  await mkdir(join(s.root, 'upstream', 'extra'), { recursive: true });
  await writeFile(join(s.root, 'upstream', 'extra', 'notes.txt'), 'the second channel\n');
  const secondConfig = join(s.root, 'second.yaml');
  const config = (await readFile(s.config, 'utf8'))
    .replace('channel: test-site', 'channel: second-site')
    .replace('name: tools', 'name: extra')
    .replace('path: ./upstream/payload', 'path: ./upstream/extra');
  await writeFile(secondConfig, config);
  expect((await airlock(['--home', s.siteHome, 'trust', 'add', s.exporterPublicKey])).code).toBe(0);
  return { ...s, secondConfig, second: (n) => join(s.root, `second-${n}`) };
}

const exportFirst = (s: Scenario, n: number) => airlock(['--home', s.exportHome, 'export', '-c', s.config, '-o', s.bundle(n)]);
const toolsTree = (s: Scenario) => describeTree(join(s.siteHome, 'publish', 'current', 'files', 'tools'));
const manifestOf = async (dir: string) => join(dir, (await readdir(dir)).find((n) => n.endsWith('.manifest.json'))!);

describe('the stored manifest is exactly what verified, and rebuilding other channels never re-reads it', () => {
  it('rollback through the stored manifest: media that swaps in an older signed manifest after verification cannot bring old content back when another channel imports', async () => {
    const s = await twoChannels();
    expect((await exportFirst(s, 1)).code).toBe(0);
    expect((await airlock(['--home', s.siteHome, 'import', s.bundle(1)])).code).toBe(0);
    await writeFile(join(s.payload, 'README.txt'), 'second edition\n');
    expect((await exportFirst(s, 2)).code).toBe(0);
    const newer = await manifestOf(s.bundle(2));
    const older = await manifestOf(s.bundle(1));
    const verifiedBytes = await readFile(newer);

    // The media returns other bytes after the verify read: the older, validly signed manifest.
    const run = await airlockPausedAt(['--home', s.siteHome, 'import', s.bundle(2)], 'import:after-verify', async () => {
      await copyFile(older, newer);
      await copyFile(`${older}.asc`, `${newer}.asc`);
    });
    expect(run.paused).toBe(true);
    expect(run.code, run.stderr).toBe(0);
    expect(await toolsTree(s)).toEqual(await describeTree(s.payload));

    // Another channel imports: the first channel must stay at its second edition.
    expect((await airlock(['--home', s.exportHome, 'export', '-c', s.secondConfig, '-o', s.second(1)])).code).toBe(0);
    const other = await airlock(['--home', s.siteHome, 'import', s.second(1)]);
    expect(other.code, other.stderr).toBe(0);
    expect(await readFile(join(s.siteHome, 'publish', 'current', 'files', 'tools', 'README.txt'), 'utf8')).toBe('second edition\n');
    expect(await toolsTree(s)).toEqual(await describeTree(s.payload));
    expect(await readFile(join(s.siteHome, 'publish', 'current', 'files', 'extra', 'notes.txt'), 'utf8')).toBe('the second channel\n');

    const status = await airlockJson<StatusJson>(['--home', s.siteHome, 'status']);
    expect(status.json.channels.map((c) => [c.name, c.lastSequence])).toEqual([['second-site', 1], ['test-site', 2]]);
    expect(status.json.publication?.sources.map((x) => [x.channel, `${x.type}/${x.name}`, x.bundle, x.sequence])).toEqual([
      ['second-site', 'files/extra', 'second-site-000001', 1],
      ['test-site', 'files/tools', 'test-site-000002', 2],
    ]);
    const record = JSON.parse(await readFile(join(s.siteHome, 'publish', 'current', 'airlock-publication.json'), 'utf8')) as {
      channels: Array<{ channel: string; bundle: string; sources: Array<{ name: string; bundle: string; catalog: string }> }>;
    };
    expect(record.channels.map((c) => [c.channel, c.bundle, c.sources.map((x) => `${x.name}@${x.bundle}`)])).toEqual([
      ['second-site', 'second-site-000001', ['extra@second-site-000001']],
      ['test-site', 'test-site-000002', ['tools@test-site-000002']],
    ]);

    // What the site stored is the verified bytes, under a path relative to the home.
    const state = SiteState.open(join(s.siteHome, 'state.db'));
    const row = state.bundles().find((b) => b.id === 'test-site-000002')!;
    state.close();
    expect(row.manifestPath).toMatch(/^bundles\/test-site-000002-[0-9a-f]{12}\/test-site-000002\.manifest\.json$/);
    expect(sha256Hex(await readFile(join(s.siteHome, row.manifestPath)))).toBe(sha256Hex(verifiedBytes));
  });

  it('one unreadable stored manifest does not block another channel from importing', async () => {
    const s = await twoChannels();
    expect((await exportFirst(s, 1)).code).toBe(0);
    expect((await airlock(['--home', s.siteHome, 'import', s.bundle(1)])).code).toBe(0);
    const before = await toolsTree(s);
    await rm(join(s.siteHome, 'bundles'), { recursive: true, force: true });

    expect((await airlock(['--home', s.exportHome, 'export', '-c', s.secondConfig, '-o', s.second(1)])).code).toBe(0);
    const other = await airlock(['--home', s.siteHome, 'import', s.second(1)]);
    expect(other.code, other.stderr).toBe(0);
    expect(await toolsTree(s)).toEqual(before);
    expect(await readFile(join(s.siteHome, 'publish', 'current', 'files', 'extra', 'notes.txt'), 'utf8')).toBe('the second channel\n');
  });
});
