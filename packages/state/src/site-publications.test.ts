import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectCodeSync, tempDir } from '@airlock/test-utils';
import { SiteState } from './site-state.js';
import type { PublicationSource } from './site-types.js';

async function openSite(): Promise<SiteState> {
  return SiteState.open(join(await tempDir(), 'state.db'));
}

function publish(site: SiteState, n: number): number {
  return site.recordPublication({ snapshot: `snap-${n}`, bundles: [`sha-${n}`], createdAt: `2030-01-0${n}T00:00:00.000Z` });
}

const statuses = (site: SiteState) => site.publications().map((p) => `${p.snapshot}:${p.status}`);

describe('SiteState publications', () => {
  it('has no current publication and no rollback target at first', async () => {
    const site = await openSite();
    expect(site.currentPublication()).toBeNull();
    expect(site.rollbackTarget()).toBeNull();
    expect(site.publications()).toEqual([]);
    site.close();
  });

  it('makes each new publication current and the live one previous', async () => {
    const site = await openSite();
    const first = publish(site, 1);
    expect(site.rollbackTarget()).toBeNull();
    const second = publish(site, 2);
    expect(second).toBeGreaterThan(first);
    expect(site.currentPublication()).toEqual({ id: second, snapshot: 'snap-2', createdAt: '2030-01-02T00:00:00.000Z', bundles: ['sha-2'], status: 'current', sourcesRecorded: false });
    expect(statuses(site)).toEqual(['snap-2:current', 'snap-1:previous']);
    expect(site.rollbackTarget()?.id).toBe(first);
    expectCodeSync(() => publish(site, 1), 'STATE_ERROR'); // a snapshot name is used once
    expect(site.currentPublication()?.id).toBe(second);
    site.close();
  });

  it('rolls back twice to go two steps back, then publishes normally', async () => {
    const site = await openSite();
    const [p1, p2, p3] = [1, 2, 3].map((n) => publish(site, n));
    expect(site.rollbackTarget()?.id).toBe(p2);
    site.setCurrent(p2!);
    expect(statuses(site)).toEqual(['snap-3:previous', 'snap-2:current', 'snap-1:previous']);
    expect(site.rollbackTarget()?.id).toBe(p1);
    site.setCurrent(p1!);
    expect(site.currentPublication()?.id).toBe(p1);
    expect(site.rollbackTarget()).toBeNull();

    const p4 = publish(site, 4);
    expect(site.currentPublication()?.id).toBe(p4);
    expect(site.publications().filter((p) => p.status === 'current')).toHaveLength(1);
    // Rolling back from 4 returns to what was live before it (1), not to the abandoned 3.
    expect(site.rollbackTarget()?.id).toBe(p1);
    site.setCurrent(site.rollbackTarget()!.id);
    expect(site.currentPublication()?.id).toBe(p1);
    site.close();
  });

  it('skips retired snapshots and refuses to make one current', async () => {
    const site = await openSite();
    const [p1, p2] = [1, 2, 3].map((n) => publish(site, n));
    site.retire(p2!);
    expect(site.rollbackTarget()?.id).toBe(p1);
    expectCodeSync(() => site.setCurrent(p2!), 'STATE_ERROR');
    site.retire(p1!);
    expect(site.rollbackTarget()).toBeNull();
    expect(statuses(site)).toEqual(['snap-3:current', 'snap-2:retired', 'snap-1:retired']);
    site.close();
  });

  it('refuses to retire the current publication or to switch to an unknown one', async () => {
    const site = await openSite();
    const p1 = publish(site, 1);
    expectCodeSync(() => site.retire(p1), 'STATE_ERROR');
    expectCodeSync(() => site.setCurrent(999), 'STATE_ERROR');
    site.setCurrent(p1); // already current: no-op
    expect(site.currentPublication()?.id).toBe(p1);
    site.close();
  });

  it("records each publication's sources with their effective catalogs and bundles", async () => {
    const site = await openSite();
    site.upsertBundle({ manifestSha256: 'm-a', id: 'a-000001', channel: 'a', sequence: 1, baseSequence: null, manifestPath: 'bundles/a', volumes: [] });
    const sources: PublicationSource[] = [
      { channel: 'a', type: 'files', name: 'z', catalog: 'sha256:merged', bundleCatalog: 'sha256:shipped', manifestSha256: 'm-a', bundleId: 'a-000001', sequence: 1 },
      { channel: 'a', type: 'apt', name: 'y', catalog: 'sha256:y', bundleCatalog: 'sha256:y', manifestSha256: 'm-a', bundleId: 'a-000001', sequence: 1 },
    ];
    const id = site.recordPublication({ snapshot: 's1', bundles: ['m-a'], sources });
    expect(site.currentPublication()?.sourcesRecorded).toBe(true);
    expect(site.publicationSources(id)).toEqual([sources[1], sources[0]]);
    const legacy = site.recordPublication({ snapshot: 's0', bundles: ['m-a'] });
    expect(site.publications().find((p) => p.id === legacy)?.sourcesRecorded).toBe(false);
    expect(site.publicationSources(legacy)).toEqual([]);
    expectCodeSync(() => site.publicationSources(999), 'STATE_ERROR');
    // a source must name a bundle the site recorded
    expectCodeSync(() => site.recordPublication({ snapshot: 's2', bundles: [], sources: [{ ...sources[0]!, manifestSha256: 'unknown' }] }), 'STATE_ERROR');
    expect(site.currentPublication()?.id).toBe(legacy);
    site.close();
  });

  it('walks the rollback chain from the current publication, skipping retired ones, up to a number of steps', async () => {
    const site = await openSite();
    const [p1, p2, p3] = [1, 2, 3].map((n) => publish(site, n));
    const ids = (steps: number) => site.rollbackChain(steps).map((p) => p.id);
    expect(ids(5)).toEqual([p3, p2, p1]);
    expect(ids(1)).toEqual([p3, p2]);
    expect(ids(0)).toEqual([p3]);
    site.setCurrent(p2!);
    site.setCurrent(p1!);
    const p4 = publish(site, 4);
    expect(ids(5)).toEqual([p4, p1]); // 3 and 2 were abandoned by the two rollbacks
    site.retire(p1!);
    expect(ids(5)).toEqual([p4]);
    site.close();
  });

  it('atomically applies every change of its function, or none when it throws', async () => {
    const site = await openSite();
    publish(site, 1);
    expect(() =>
      site.atomically('test', () => {
        publish(site, 2);
        throw new Error('crash before the end');
      }),
    ).toThrow(/crash before the end/);
    expect(statuses(site)).toEqual(['snap-1:current']);
    site.atomically('test', () => publish(site, 3));
    expect(statuses(site)).toEqual(['snap-3:current', 'snap-1:previous']);
    site.close();
  });
});
