import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectCodeSync, tempDir } from '@airlock/test-utils';
import { openDatabase } from './database.js';
import { SITE_MIGRATIONS } from './site-schema.js';
import { SiteState } from './site-state.js';

const SHA = 'ab'.repeat(32);

describe('stored manifest paths are relative to the home', () => {
  it('rewrites the absolute paths older sites recorded into home-relative ones', async () => {
    const path = join(await tempDir(), 'state.db');
    const before = SITE_MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE publication_sources'));
    expect(before).toBeGreaterThan(0);
    const old = openDatabase(path, SITE_MIGRATIONS.slice(0, before));
    old
      .prepare("INSERT INTO bundles (manifest_sha256, id, channel, sequence, manifest_path, received_at) VALUES (?, 'c-000001', 'c', 1, ?, 't')")
      .run(SHA, `/old/home/bundles/c-000001-${SHA.slice(0, 12)}/c-000001.manifest.json`);
    old.close();
    const site = SiteState.open(path);
    expect(site.bundle(SHA)?.manifestPath).toBe(`bundles/c-000001-${SHA.slice(0, 12)}/c-000001.manifest.json`);
    site.close();
  });

  it('refuses to record an absolute or escaping stored manifest path', async () => {
    const site = SiteState.open(join(await tempDir(), 'state.db'));
    const bundle = { manifestSha256: SHA, id: 'c-000001', channel: 'c', sequence: 1, baseSequence: null, volumes: [] };
    for (const manifestPath of ['/abs/m.json', '../m.json', 'bundles/../../m.json', '', 'bundles//m.json']) {
      expectCodeSync(() => site.upsertBundle({ ...bundle, manifestPath }), 'STATE_ERROR');
    }
    expect(site.upsertBundle({ ...bundle, manifestPath: 'bundles/c/m.json' }).manifestPath).toBe('bundles/c/m.json');
    site.close();
  });
});
