import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { sha256Digest, silentProgress, type PublishContext } from '@airlock/core';
import { Keyring } from '@airlock/pgp';
import { expectCode, tempDir, testUpstreamTrust, type TestUpstreamTrust } from '@airlock/test-utils';
import type { Vault } from '@airlock/vault';
import { BOOTLOADERS, exportToVault, memoryStream, spec, V3, type MemoryStream } from './__tests__/memory-stream.js';
import { checkPublishedMirror } from './conformance/mirror.js';
import { mergeSimplestreams } from './merge.js';
import { publishSimplestreams } from './publish.js';
import { reverifySimplestreams } from './reverify.js';
import type { SimplestreamsCatalog } from './types.js';

async function site(stream: MemoryStream, root: string, catalog: SimplestreamsCatalog, vault: Vault, upstream: TestUpstreamTrust = testUpstreamTrust()): Promise<string> {
  const staging = join(root, 'staging');
  const ctx: PublishContext = { sourceName: 'maas', vault, progress: silentProgress, upstream, staging, siteSigner: stream.signer };
  await reverifySimplestreams(catalog, ctx);
  await publishSimplestreams(catalog, ctx);
  return join(staging, 'simplestreams', 'maas');
}

describe('simplestreams reverify + publish', () => {
  it('publishes a conforming, site-signed mirror listing exactly the shipped versions', async () => {
    const root = await tempDir();
    const stream = await memoryStream();
    const { catalog, vault } = await exportToVault(stream, spec({ filters: ['arch=amd64'] }, root), root);
    const mirror = await site(stream, root, catalog, vault);
    const report = await checkPublishedMirror(mirror, { digests: true });
    expect(report.problems).toEqual([]);
    const published = [...report.products.values()].flatMap(({ data }) =>
      Object.entries(data.products as Record<string, { versions: Record<string, unknown> }>).flatMap(([p, body]) => Object.keys(body.versions).map((v) => `${p} ${v}`)),
    );
    expect(published.sort()).toEqual(catalog.versions.map((v) => `${v.product} ${v.version}`).sort());
    expect([...report.products.values()].map((p) => p.report.shape).sort()).toEqual(['bootloader', 'multi-file', 'single-file']);
    // Product metadata stays on the product, as upstream has it.
    const v3 = report.products.get(V3)!.data.products as Record<string, Record<string, unknown>>;
    expect(v3['com.ubuntu.maas.stable:v3:boot:22.04:amd64:ga-22.04']).toMatchObject({ release: 'jammy', release_title: '22.04 LTS', kflavor: 'generic', support_eol: '2029-04-21' });
    // The .sjson verifies with the site key, and its body is exactly the .json.
    const keyring = await Keyring.fromKeys([stream.signer.armoredPublicKey]);
    for (const name of ['index', V3, BOOTLOADERS]) {
      const signed = await keyring.verifyClearsigned(await readFile(join(mirror, `streams/v1/${name}.sjson`), 'utf8'));
      const plain = await readFile(join(mirror, `streams/v1/${name}.json`), 'utf8');
      expect(name === 'index' ? signed.body.replaceAll('.sjson', '.json') : signed.body).toBe(plain);
    }
  });

  it('verifies with the key the site pinned, not the one the catalog brings (SIGNER_UNTRUSTED)', async () => {
    const root = await tempDir();
    const stream = await memoryStream();
    const other = await memoryStream();
    const { catalog, vault } = await exportToVault(stream, spec({}, root), root);
    await expectCode(site(stream, root, catalog, vault, testUpstreamTrust({ keys: [other.publicKey] })), 'SIGNER_UNTRUSTED');
  });

  it('refuses a catalog item that differs from the signed products file (UPSTREAM_INVALID)', async () => {
    const root = await tempDir();
    const stream = await memoryStream();
    const { catalog, vault } = await exportToVault(stream, spec({}, root), root);
    const item = catalog.versions[0]!.items[0]!;
    item.path = `${item.path}-elsewhere`;
    await expectCode(site(stream, root, catalog, vault), 'UPSTREAM_INVALID');
  });

  it('refuses an older stream after a newer one was accepted (UPSTREAM_REPLAY)', async () => {
    const root = await tempDir();
    const stream = await memoryStream();
    const trust = testUpstreamTrust();
    await stream.publish({ updated: 'Fri, 25 Jul 2025 08:00:00 +0000' });
    const newer = await exportToVault(stream, spec({}, join(root, 'a')), join(root, 'a'));
    await site(stream, join(root, 'a'), newer.catalog, newer.vault, trust);
    await stream.publish({ updated: 'Thu, 24 Jul 2025 08:00:00 +0000' });
    const older = await exportToVault(stream, spec({}, join(root, 'b')), join(root, 'b'));
    await expectCode(site(stream, join(root, 'b'), older.catalog, older.vault, trust), 'UPSTREAM_REPLAY');
  });

  it('refuses to publish when an item blob is not in the vault (BLOB_MISSING)', async () => {
    const root = await tempDir();
    const stream = await memoryStream();
    // The catalog names the bootloaders too; this vault holds only what an export without them carried.
    const withLoaders = await exportToVault(stream, spec({ filters: ['arch=amd64'] }, join(root, 'a')), join(root, 'a'));
    const without = await exportToVault(stream, spec({ filters: ['arch=amd64'], bootloaders: false }, join(root, 'b')), join(root, 'b'));
    const doc = stream.files.get(`streams/v1/${BOOTLOADERS}.sjson`)!;
    await without.vault.ingest(Readable.from([doc]), { digest: sha256Digest(doc), size: doc.length });
    const err = await expectCode(site(stream, root, withLoaders.catalog, without.vault), 'BLOB_MISSING');
    expect(err.message).toMatch(/bootloaders\/uefi\/amd64\/20231004.0\/grub2-signed.tar.xz/);
  });

  it('a merged catalog (older version kept) reverifies and publishes both versions, newest last', async () => {
    const root = await tempDir();
    const stream = await memoryStream();
    const filters = ['arch=amd64', 'release=jammy'];
    const first = await exportToVault(stream, spec({ filters, max: 2, bootloaders: false }, root), root);
    first.catalog.versions = first.catalog.versions.filter((v) => v.version === '20250601');
    // Upstream moves on: a new version appears and the oldest is withdrawn.
    const product = stream.docs[V3]!.products['com.ubuntu.maas.stable:v3:boot:22.04:amd64:ga-22.04'];
    product.versions['20250801'] = structuredClone(product.versions['20250701']);
    delete product.versions['20250601'];
    await stream.publish({ updated: 'Fri, 01 Aug 2025 00:00:00 +0000' });
    const second = await exportToVault(stream, spec({ filters, max: 2, bootloaders: false }, root), root, first.vault);
    const merged = mergeSimplestreams(first.catalog, second.catalog);
    expect(merged.versions.map((v) => v.version)).toEqual(['20250701', '20250801']);
    const third = mergeSimplestreams(first.catalog, { ...second.catalog, max: 3 });
    expect(third.versions.map((v) => v.version)).toEqual(['20250601', '20250701', '20250801']);
    expect(third.documents.filter((d) => !d.current)).toHaveLength(1);
    const mirror = await site(stream, root, third, first.vault);
    const report = await checkPublishedMirror(mirror, { digests: true });
    expect(report.problems).toEqual([]);
    const versions = (report.products.get(V3)!.data.products as Record<string, { versions: object }>)['com.ubuntu.maas.stable:v3:boot:22.04:amd64:ga-22.04']!.versions;
    expect(Object.keys(versions)).toEqual(['20250601', '20250701', '20250801']);
  });
});

describe('simplestreams reverify: insecure exports', () => {
  it('a catalog exported with insecure: true and no keyring is still verified with the key the site pinned (regression: insecure skipped the pin)', async () => {
    const root = await tempDir();
    const stream = await memoryStream();
    const other = await memoryStream();
    const { catalog, vault } = await exportToVault(stream, spec({ insecure: true, keyring: undefined }, root), root);
    expect(catalog.keyring).toBeNull();
    await expectCode(site(stream, root, catalog, vault, testUpstreamTrust({ keys: [other.publicKey] })), 'SIGNER_UNTRUSTED');
    const mirror = await site(stream, join(root, 'ok'), catalog, vault, testUpstreamTrust({ keys: [stream.publicKey] }));
    expect((await checkPublishedMirror(mirror)).problems).toEqual([]);
  });
});
