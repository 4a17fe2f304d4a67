import { copyFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { siteStatus, type AirlockHome } from '@airlock/engine';
import { SiteState } from '@airlock/state';
import { expectCode } from '@airlock/test-utils';
import { versions, world } from './support/history-world.js';

/** Makes the live publication look like one recorded before effective catalogs were kept. */
function forgetEffectiveCatalogs(site: AirlockHome): void {
  const db = new Database(site.stateDb);
  db.exec('DELETE FROM publication_sources; UPDATE publications SET sources_recorded = 0;');
  db.close();
}

function storedManifestOf(site: AirlockHome, bundleId: string): string {
  const state = SiteState.open(site.stateDb);
  const row = state.bundles().find((b) => b.id === bundleId)!;
  state.close();
  return join(site.root, row.manifestPath);
}

describe('a publication from before effective catalogs is rebuilt from verified stored manifests', () => {
  it('uses the stored manifest only when its sha256 and signature check, and recovers once it is restored from the media', async () => {
    const { site, channel, ship, importAgain } = await world();
    const images = channel('images', 'main');
    const other = channel('other', 'side');
    await images.offer('v1', 1);
    const first = await ship(images);
    forgetEffectiveCatalogs(site);
    expect((await siteStatus(site)).publication?.sources.map((s) => `${s.name}@${s.bundle}`)).toEqual(['main@images-000001']);

    await other.offer('o1', 1);
    expect((await ship(other)).status).toBe('published');
    expect(await versions(site, 'main')).toBe('v1');
    expect(await versions(site, 'side')).toBe('o1');

    // Now the stored manifest of images-000001 is damaged, and the live publication is "old" again.
    forgetEffectiveCatalogs(site);
    const stored = storedManifestOf(site, 'images-000001');
    await writeFile(stored, '{"channel":"images"}');
    const status = await siteStatus(site);
    expect(status.publication?.sources).toEqual([]);
    expect(status.publication?.sourcesError).toMatch(/images-000001/);
    await other.offer('o2', 2);
    const pending = join(site.root, '..', 'bundle-3'); // the third bundle world() exports
    await expectCode(ship(other), 'DIGEST_MISMATCH');
    expect(await versions(site, 'main')).toBe('v1');
    expect(await versions(site, 'side')).toBe('o1');

    // A signature that no longer verifies is refused too.
    const media = join(first.dir, (await readdir(first.dir)).find((n) => n.endsWith('.manifest.json'))!);
    await copyFile(media, stored);
    await writeFile(`${stored}.asc`, '-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n');
    await expectCode(importAgain(pending), 'SIGNATURE_INVALID');

    // What the error says to do: restore both files from the bundle's media.
    await copyFile(`${media}.asc`, `${stored}.asc`);
    expect((await importAgain(pending)).status).toBe('published');
    expect(await versions(site, 'main')).toBe('v1');
    expect(await versions(site, 'side')).toBe('o1 o2'); // the fake driver keeps history on this source too
  });
});
