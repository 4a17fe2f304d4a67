import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '@airlock/core';
import { rollback, siteStatus } from '@airlock/engine';
import { SiteState } from '@airlock/state';
import { expectCode } from '@airlock/test-utils';
import { merges, parseCatalog, versions, world } from './support/history-world.js';

describe('history merge: a source whose driver merges keeps what the site already publishes', () => {
  it('merges three bundles into one history, keeps it through another channel, and merges into what is live after a rollback', async () => {
    merges.length = 0;
    const { site, channel, ship } = await world();
    const images = channel('images', 'main');
    const other = channel('other', 'side');

    for (const [n, version] of ['v1', 'v2', 'v3'].entries()) {
      await images.offer(version, n + 1);
      expect((await ship(images)).status).toBe('published');
    }
    expect(await versions(site, 'main')).toBe('v1 v2 v3');
    expect(merges).toEqual([
      { previous: ['v1'], next: ['v2'] },
      { previous: ['v1', 'v2'], next: ['v3'] },
    ]);
    for (const v of ['v1', 'v2', 'v3']) expect(await readFile(join(site.publish, 'current', 'history', 'main', `${v}.txt`), 'utf8')).toBe(`main ${v}\n`);

    // The merged catalog is a vault blob; the publication names it and the bundle it came from.
    const status = await siteStatus(site);
    const main = status.publication?.sources.find((s) => s.name === 'main');
    expect(main).toMatchObject({ channel: 'images', type: 'history', bundle: 'images-000003', sequence: 3 });
    expect(main?.catalog).not.toBe(main?.bundleCatalog);
    const merged = await readFile(join(site.vault, 'sha256', main!.catalog.slice(7, 9), main!.catalog.slice(7)));
    expect(`sha256:${sha256Hex(merged)}`).toBe(main!.catalog);
    expect(parseCatalog(JSON.parse(merged.toString())).versions.map((v) => v.version)).toEqual(['v1', 'v2', 'v3']);
    const record = JSON.parse(await readFile(join(site.publish, 'current', 'airlock-publication.json'), 'utf8')) as {
      channels: Array<{ channel: string; sources: Array<{ catalog: string; bundleCatalog: string; bundle: string }> }>;
    };
    expect(record.channels.find((c) => c.channel === 'images')?.sources).toEqual([
      { type: 'history', name: 'main', catalog: main!.catalog, bundleCatalog: main!.bundleCatalog, bundle: 'images-000003', sequence: 3 },
    ]);

    // Another channel's import rebuilds `main` from its effective catalog: the history stays.
    await other.offer('o1', 1);
    expect((await ship(other)).status).toBe('published');
    expect(await versions(site, 'main')).toBe('v1 v2 v3');
    expect(await versions(site, 'side')).toBe('o1');
    expect(merges).toHaveLength(2);

    // Two rollbacks: back to the publication of images-000002 (v1 v2), whose upstream date is
    // older than what the site accepted since; rebuilding it for another channel is no replay.
    await rollback(site);
    await rollback(site);
    expect(await versions(site, 'main')).toBe('v1 v2');
    await other.offer('o2', 2);
    expect((await ship(other)).status).toBe('published');
    expect(await versions(site, 'main')).toBe('v1 v2');
    expect(await versions(site, 'side')).toBe('o2');

    // The next bundle of the channel merges into what is live (v1 v2), not into the v3 rolled back from.
    await images.offer('v4', 4);
    expect((await ship(images)).status).toBe('published');
    expect(await versions(site, 'main')).toBe('v1 v2 v4');
    expect(merges.at(-1)).toEqual({ previous: ['v1', 'v2'], next: ['v4'] });

    // The keep limit is the driver's: one more version drops the oldest.
    await images.offer('v5', 5);
    await ship(images);
    expect(await versions(site, 'main')).toBe('v2 v4 v5');
  });

  it('refuses a history whose effective catalog in the vault was changed, before building anything', async () => {
    const { site, channel, ship } = await world();
    const images = channel('images', 'main');
    const other = channel('other', 'side');
    await images.offer('v1', 1);
    await ship(images);
    await images.offer('v2', 2);
    await ship(images);
    const state = SiteState.open(site.stateDb);
    const live = state.publicationSources(state.currentPublication()!.id).find((s) => s.name === 'main')!;
    state.close();
    const path = join(site.vault, 'sha256', live.catalog.slice(7, 9), live.catalog.slice(7));
    await chmod(path, 0o644);
    await writeFile(path, JSON.stringify({ versions: [] }));
    await other.offer('o1', 1);
    await expectCode(ship(other), 'DIGEST_MISMATCH');
    expect(await versions(site, 'main')).toBe('v1 v2');
  });
});
