import { spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sha256Digest, silentProgress } from '@airlock/core';
import { generateKey, loadSigner } from '@airlock/pgp';
import { expectCode, requireTools, tempDir, testUpstreamTrust } from '@airlock/test-utils';
import { Vault } from '@airlock/vault';
import { parseAptCatalog } from './parse-catalog.js';
import { publishApt } from './publish.js';
import { reverifyApt } from './reverify.js';
import type { AptCatalog } from './types.js';

const BUILD = fileURLToPath(new URL('../../../fixtures/apt/build-upstream.sh', import.meta.url));

/** A catalog as resolve would build it for `libbaz`, from the real fixture archive, with its blobs in a real vault. */
async function fixtureCatalog() {
  const dir = await tempDir();
  const made = spawnSync('bash', [BUILD, join(dir, 'up')], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(made.stderr);
  const archive = join(dir, 'up', 'archive');
  const dist = join(archive, 'dists', 'stable');
  const indexBytes = await readFile(join(dist, 'main/binary-amd64/Packages.gz'));
  const plain = await readFile(join(dist, 'main/binary-amd64/Packages'), 'utf8');
  const stanza = plain.split('\n\n').find((s) => s.startsWith('Package: libbaz\n')) as string;
  const deb = await readFile(join(archive, 'pool/main/l/libbaz/libbaz_1.0-1_amd64.deb'));
  const vault = new Vault(join(dir, 'vault'));
  await vault.init();
  for (const blob of [indexBytes, deb]) await vault.ingest(Readable.from([blob]), { digest: sha256Digest(blob), size: blob.length });
  const catalog: AptCatalog = {
    version: 1,
    keyring: await readFile(join(dir, 'up', 'keys', 'archive.asc'), 'utf8'),
    byHash: false,
    dists: [
      {
        suite: 'stable',
        flat: false,
        release: { kind: 'inrelease', text: await readFile(join(dist, 'InRelease'), 'utf8') },
        indexes: [{ component: 'main', architecture: 'amd64', path: 'main/binary-amd64/Packages.gz', digest: sha256Digest(indexBytes), size: indexBytes.length, stanzas: [stanza] }],
      },
    ],
  };
  return { dir, vault, catalog, ctx: { sourceName: 'fixture', vault, progress: silentProgress, upstream: testUpstreamTrust() } };
}

const clone = (c: AptCatalog): AptCatalog => JSON.parse(JSON.stringify(c)) as AptCatalog;

describe.skipIf(!requireTools('dpkg-deb', 'apt-ftparchive', 'gpg', 'xz'))('apt reverify and publish (offline)', () => {
  it('accepts a faithful catalog and publishes a site-signed tree', async () => {
    const { dir, catalog, ctx } = await fixtureCatalog();
    await reverifyApt(parseAptCatalog(catalog), ctx);
    const key = await generateKey({ name: 'site' });
    const staging = join(dir, 'staging');
    await publishApt(catalog, { ...ctx, staging, siteSigner: await loadSigner(key.armoredPrivateKey) });
    const root = join(staging, 'apt', 'fixture');
    expect((await readdir(join(root, 'dists/stable'))).sort()).toEqual(['InRelease', 'Release', 'Release.gpg', 'main']);
    expect(await readdir(join(root, 'pool/main/l/libbaz'))).toEqual(['libbaz_1.0-1_amd64.deb']);
  });

  it('regression: reverify trusts only the archive keys the site pins, not the keyring the catalog carries (SIGNER_UNTRUSTED)', async () => {
    const { dir, catalog, vault } = await fixtureCatalog();
    const sitePins = testUpstreamTrust({ keys: [await readFile(join(dir, 'up', 'keys', 'wrong.gpg'))] });
    await expectCode(reverifyApt(catalog, { sourceName: 'fixture', vault, progress: silentProgress, upstream: sitePins }), 'SIGNER_UNTRUSTED');
    const archivePins = testUpstreamTrust({ keys: [await readFile(join(dir, 'up', 'keys', 'archive.gpg'))] });
    await reverifyApt(catalog, { sourceName: 'fixture', vault, progress: silentProgress, upstream: archivePins });
  });

  it('refuses a carried stanza that is not in the signed Packages (UPSTREAM_INVALID)', async () => {
    const { catalog, ctx } = await fixtureCatalog();
    const bad = clone(catalog);
    const index = bad.dists[0]!.indexes[0]!;
    index.stanzas = [index.stanzas[0]!.replace(/^Size: \d+$/m, 'Size: 1')];
    await expectCode(reverifyApt(bad, ctx), 'UPSTREAM_INVALID');
  });

  it('refuses an altered InRelease (SIGNATURE_INVALID) and an index the Release does not list (UPSTREAM_INVALID)', async () => {
    const { catalog, ctx } = await fixtureCatalog();
    const altered = clone(catalog);
    const release = altered.dists[0]!.release as { kind: 'inrelease'; text: string };
    release.text = release.text.replace('Suite: stable', 'Suite: stablE');
    await expectCode(reverifyApt(altered, ctx), 'SIGNATURE_INVALID');
    const swapped = clone(catalog);
    swapped.dists[0]!.indexes[0]!.path = 'main/binary-amd64/Packages.xz';
    await expectCode(reverifyApt(swapped, ctx), 'UPSTREAM_INVALID');
  });

  it('refuses catalogs whose paths would leave the published tree (MANIFEST_INVALID)', async () => {
    const { catalog } = await fixtureCatalog();
    const escape = clone(catalog);
    const index = escape.dists[0]!.indexes[0]!;
    index.stanzas = [index.stanzas[0]!.replace(/^Filename: .*$/m, 'Filename: ../../../etc/evil.deb')];
    expect(() => parseAptCatalog(escape)).toThrow(expect.objectContaining({ code: 'MANIFEST_INVALID' }));
    const suite = clone(catalog);
    suite.dists[0]!.suite = '../../x';
    expect(() => parseAptCatalog(suite)).toThrow(expect.objectContaining({ code: 'MANIFEST_INVALID' }));
    const indexPath = clone(catalog);
    indexPath.dists[0]!.indexes[0]!.path = '../Packages';
    expect(() => parseAptCatalog(indexPath)).toThrow(expect.objectContaining({ code: 'MANIFEST_INVALID' }));
  });
});
