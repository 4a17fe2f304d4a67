import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SiteState } from '@airlock/state';
import { expectCode, tempDir } from '@airlock/test-utils';
import { fakeSite } from '../__tests__/fake-site.js';

function mark(home: string): string | null {
  const state = SiteState.open(join(home, 'state.db'));
  try {
    return state.upstreamMark('fake/one:release');
  } finally {
    state.close();
  }
}

describe('upstream date marks through import', () => {
  it('are recorded only once the publication that relied on them is live, and then refuse older dates', async () => {
    const f = await fakeSite(await tempDir());
    const a = await f.exporter('a');
    await f.trust(a);
    // Reverify accepts the newest date, then the driver's publish fails: no live publication, no mark.
    const failed = await a.export({ date: '2030-01-10T00:00:00Z', keys: [], failPublish: true });
    await expectCode(f.import(failed.dir), 'PUBLISH_FAILED');
    expect(mark(f.site.root)).toBeNull();

    const older = await a.export({ date: '2030-01-05T00:00:00Z', keys: [] }, { full: true });
    expect((await f.import(older.dir)).status).toBe('published');
    expect(mark(f.site.root)).toBe('2030-01-05T00:00:00.000Z');

    const replayed = await a.export({ date: '2030-01-04T00:00:00Z', keys: [] });
    await expectCode(f.import(replayed.dir), 'UPSTREAM_REPLAY');
    const same = await a.export({ date: '2030-01-05T00:00:00Z', keys: [] }, { full: true });
    expect((await f.import(same.dir)).status).toBe('published');
    expect(mark(f.site.root)).toBe('2030-01-05T00:00:00.000Z');
  });
});
