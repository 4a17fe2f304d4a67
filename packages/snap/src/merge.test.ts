import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentProgress, type Signer } from '@airlock/core';
import { expectCode, tempDir, testUpstreamTrust, DirVault } from '@airlock/test-utils';
import { CatalogFixture } from './__tests__/catalog-fixture.js';
import { snapDriver } from './driver.js';
import { mergeSnapCatalogs } from './merge.js';
import { parseSnapCatalog } from './parse-catalog.js';

const signer = {} as Signer; // the snap driver never signs: assertions are carried, not re-signed

describe('merge of snap catalogs (site history)', () => {
  const f = new CatalogFixture();

  it('adds revisions, follows the newest channel map, and keeps the newest revisions up to keepRevisions', () => {
    const first = f.catalog([['hello', 1], ['base', 7]], [['hello', 1, 'latest/stable'], ['base', 7, 'latest/stable']]);
    const second = f.catalog([['hello', 2], ['base', 7]], [['hello', 2, 'latest/stable'], ['base', 7, 'latest/stable']]);
    const third = f.catalog([['hello', 3]], [['hello', 3, 'latest/stable'], ['hello', 1, 'latest/candidate']]);
    const merged = mergeSnapCatalogs(mergeSnapCatalogs(first, second), third);
    expect(merged.channels.map((c) => `${c.name}/${c.revision}@${c.channel}`)).toEqual(['hello/3@latest/stable', 'hello/1@latest/candidate']);
    // hello 3 and 1 are in channels; the limit of 2 leaves no room for 2; base 7 stays (newest of its own).
    expect(merged.revisions.map((r) => `${r.name}/${r.revision}`)).toEqual(['base/7', 'hello/1', 'hello/3']);
    const digests = new Set(merged.revisions.map((r) => Buffer.from(r.sha3, 'hex').toString('base64url')));
    const kept = merged.assertions.filter((a) => a.startsWith('type: snap-revision')).map((a) => /snap-sha3-384: (\S+)/.exec(a)?.[1]);
    expect(new Set(kept)).toEqual(digests);
    expect(() => parseSnapCatalog(merged)).not.toThrow();
  });

  it('honours a larger keepRevisions from the newest bundle', () => {
    const a = f.catalog([['hello', 1]], [['hello', 1, 'latest/stable']], 3);
    const b = f.catalog([['hello', 2]], [['hello', 2, 'latest/stable']], 3);
    const c = f.catalog([['hello', 4]], [['hello', 4, 'latest/stable']], 3);
    const d = f.catalog([['hello', 5]], [['hello', 5, 'latest/stable']], 3);
    expect(mergeSnapCatalogs(mergeSnapCatalogs(mergeSnapCatalogs(a, b), c), d).revisions.map((r) => r.revision)).toEqual([2, 4, 5]);
  });

  it('reverifies and publishes a merged catalog: every kept revision gets its .snap and .assert', async () => {
    const vault = new DirVault(await tempDir());
    const merged = mergeSnapCatalogs(f.catalog([['hello', 1]], [['hello', 1, 'latest/stable']]), f.catalog([['hello', 2]], [['hello', 2, 'latest/stable']]));
    for (const bytes of f.files.values()) await vault.add(bytes);
    const staging = await tempDir();
    const ctx = { sourceName: 'snaps', vault, progress: silentProgress, upstream: testUpstreamTrust({ anchors: f.anchors() }), staging, siteSigner: signer };
    await snapDriver.reverify?.(merged, ctx);
    await snapDriver.publish(merged, ctx);
    const dir = join(staging, 'snap', 'snaps');
    expect((await readdir(dir)).sort()).toEqual(['hello_1.assert', 'hello_1.snap', 'hello_2.assert', 'hello_2.snap', 'index.json', 'install.sh']);
    expect(await readFile(join(dir, 'install.sh'), 'utf8')).toContain('install_one hello_2\n');
    // Without the site's root the same catalog is refused: keys the catalog brings do not count.
    await expectCode(snapDriver.reverify!(merged, { ...ctx, upstream: testUpstreamTrust() }), 'SIGNER_UNTRUSTED');
  });

  it('refuses a vault blob whose SHA3-384 is not the signed one', async () => {
    const vault = new DirVault(await tempDir());
    const catalog = f.catalog([['hello', 9]], [['hello', 9, 'latest/stable']]);
    const forged = Buffer.from('not the signed bytes');
    const digest = await vault.add(forged);
    const r = catalog.revisions[0]!;
    const tampered = { ...catalog, revisions: [{ ...r, digest, size: forged.length }] };
    await expectCode(snapDriver.reverify!(tampered, { sourceName: 'snaps', vault, progress: silentProgress, upstream: testUpstreamTrust({ anchors: f.anchors() }) }), 'DIGEST_MISMATCH');
  });
});
