import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentProgress, type Progress } from '@airlock/core';
import { tempDir } from '@airlock/test-utils';
import { fakeSite } from '../__tests__/fake-site.js';

const spec = (date = '2030-01-01T00:00:00Z') => ({ date, keys: [] });

async function liveRecord(siteRoot: string) {
  return JSON.parse(await readFile(join(siteRoot, 'publish', 'current', 'airlock-publication.json'), 'utf8')) as {
    snapshot: string;
    publishedAt: string;
    channels: Array<{ channel: string; sequence: number; exporterKey: string | null; importedAt: string | null; sources: Array<{ name: string; description: unknown }> }>;
  };
}

function collectingProgress(warnings: string[]): Progress {
  return { ...silentProgress, warn: (m) => void warnings.push(m) };
}

describe('the publication record', () => {
  it('names, per channel, the exporter key that signed its bundle and when it was imported, and per source what it offers clients', async () => {
    const f = await fakeSite(await tempDir());
    const a = await f.exporter('a');
    const b = await f.exporter('b');
    await f.trust(a);
    await f.trust(b);
    const before = Date.now();
    expect((await f.import((await a.export(spec(), { channel: 'chan-a', source: 'one' })).dir)).status).toBe('published');
    expect((await f.import((await b.export(spec(), { channel: 'chan-b', source: 'two' })).dir)).status).toBe('published');
    const record = await liveRecord(f.site.root);
    expect(Date.parse(record.publishedAt)).toBeGreaterThanOrEqual(before);
    // chan-a was carried from the first publication: its facts come from the state, not from the new bundle.
    expect(record.channels.map((c) => [c.channel, c.sequence, c.exporterKey])).toEqual([['chan-a', 1, a.fingerprint], ['chan-b', 1, b.fingerprint]]);
    for (const c of record.channels) expect(Date.parse(c.importedAt ?? '')).toBeGreaterThanOrEqual(before);
    expect(record.channels[0]?.importedAt).not.toBe(record.channels[1]?.importedAt);
    expect(record.channels[1]?.sources).toEqual([
      expect.objectContaining({
        name: 'two',
        description: { counts: [{ label: 'keys', value: 0 }], bytes: 20, clients: [{ id: 'fake-get', title: 'fetch the date', template: 'curl -fsS {{url}}fake/two/date' }] },
      }),
    ]);
  });

  it('publishes a source whose driver cannot describe it, without a description and with a warning', async () => {
    const f = await fakeSite(await tempDir());
    const a = await f.exporter('a');
    await f.trust(a);
    const warnings: string[] = [];
    const imported = await f.import((await a.export({ ...spec(), failDescribe: true })).dir, collectingProgress(warnings));
    expect(imported.status).toBe('published');
    const record = await liveRecord(f.site.root);
    expect(record.channels[0]?.sources[0]).not.toHaveProperty('description');
    expect(warnings.join('\n')).toContain('cannot describe fake/one for the site page (the fake driver was told not to describe)');
  });
});
