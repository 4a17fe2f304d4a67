import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectCodeSync, tempDir } from '@airlock/test-utils';
import { SiteState } from './site-state.js';

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
    expect(site.currentPublication()).toEqual({ id: second, snapshot: 'snap-2', createdAt: '2030-01-02T00:00:00.000Z', bundles: ['sha-2'], status: 'current' });
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
});
