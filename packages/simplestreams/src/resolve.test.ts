import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectCode, tempDir } from '@airlock/test-utils';
import { BOOTLOADERS, CENTOS, exportToVault, memoryStream, MIRROR, spec, V3 } from './__tests__/memory-stream.js';

const names = (catalog: { versions: Array<{ product: string; version: string }> }): string[] => catalog.versions.map((v) => `${v.product} ${v.version}`).sort();

describe('simplestreams resolve: verify, flatten, filter, keep the newest', () => {
  it('applies sstream-mirror filters to flattened items, keeps max=1 newest, and adds every bootloader', async () => {
    const root = await tempDir();
    const stream = await memoryStream();
    const { catalog, groups } = await exportToVault(stream, spec({ filters: ['arch=amd64', 'release~(jammy|noble)'] }, root), root);
    expect(names(catalog)).toEqual([
      'com.ubuntu.maas.stable:1:grub-efi-signed:uefi:amd64 20231004.0',
      'com.ubuntu.maas.stable:v3:boot:22.04:amd64:ga-22.04 20250701',
      'com.ubuntu.maas.stable:v3:boot:24.04:amd64:ga-24.04 20250701',
    ]);
    // CentOS has no release matching the filter: its products file is not carried at all.
    expect(catalog.documents.map((d) => d.contentId)).toEqual([null, V3, BOOTLOADERS]);
    expect(catalog.documents.every((d) => d.signer === catalog.documents[0]?.signer && /^[0-9A-F]{40}$/.test(d.signer ?? ''))).toBe(true);
    expect(groups.map((g) => g.label)).toEqual(catalog.versions.map((v) => `${v.product} ${v.version}`));
  });

  it('keeps the newest max versions per product and honours bootloaders: false and !~ filters', async () => {
    const root = await tempDir();
    const stream = await memoryStream();
    const { catalog } = await exportToVault(stream, spec({ filters: ['arch!~arm', 'os!=ubuntu'], max: 2, bootloaders: false }, root), root);
    expect(names(catalog)).toEqual(['com.ubuntu.maas.stable:centos-bases:8:amd64 20211029_01', 'com.ubuntu.maas.stable:centos-bases:8:amd64 20211104_01']);
  });

  it('a filter on content_id is judged from the index: unreachable products files are not fetched', async () => {
    const root = await tempDir();
    const stream = await memoryStream();
    const { urls } = await exportToVault(stream, spec({ filters: ['content_id~centos'], bootloaders: false }, root), root);
    expect(urls.filter((u) => u.includes('streams/v1/'))).toEqual([`${MIRROR}streams/v1/index.sjson`, `${MIRROR}streams/v1/${CENTOS}.sjson`]);
  });

  it('a version whose ga and hwe products share a squashfs ships it once', async () => {
    const root = await tempDir();
    const stream = await memoryStream();
    const products = stream.docs[V3]!.products;
    const ga = products['com.ubuntu.maas.stable:v3:boot:22.04:amd64:ga-22.04'];
    products['com.ubuntu.maas.stable:v3:boot:22.04:amd64:hwe-22.04'] = { ...structuredClone(ga), subarch: 'hwe-22.04' };
    await stream.publish();
    const { catalog } = await exportToVault(stream, spec({ filters: ['release=jammy', 'arch=amd64'], bootloaders: false }, root), root);
    const squashfs = catalog.versions.flatMap((v) => v.items.filter((i) => i.name === 'squashfs'));
    expect(squashfs).toHaveLength(2);
    expect(new Set(squashfs.map((i) => i.path)).size).toBe(1);
  });
});

describe('simplestreams resolve: refusals', () => {
  it('refuses an unsigned upstream (UPSTREAM_UNSIGNED) unless insecure: true', async () => {
    const root = await tempDir();
    const stream = await memoryStream();
    await stream.publish({ unsigned: true });
    await expectCode(exportToVault(stream, spec({}, root), root), 'UPSTREAM_UNSIGNED');
    const insecure = await exportToVault(stream, spec({ insecure: true, keyring: undefined }, root), join(root, 'insecure'));
    expect(insecure.catalog.insecure).toBe(true);
    expect(insecure.catalog.documents.every((d) => d.signer === null)).toBe(true);
  });

  it('refuses a products .sjson whose body was altered after signing (SIGNATURE_INVALID)', async () => {
    const root = await tempDir();
    const stream = await memoryStream();
    const path = `streams/v1/${V3}.sjson`;
    stream.files.set(path, Buffer.from(stream.files.get(path)!.toString('utf8').replace('"release": "jammy"', '"release": "jammz"')));
    await expectCode(exportToVault(stream, spec({}, root), root), 'SIGNATURE_INVALID');
  });

  it('refuses documents signed by a key that is not in the keyring (SIGNER_UNTRUSTED)', async () => {
    const root = await tempDir();
    const stream = await memoryStream();
    const other = await memoryStream();
    const s = spec({}, root);
    await expect(async () => {
      stream.publicKey = other.publicKey;
      await exportToVault(stream, s, root);
    }).rejects.toMatchObject({ code: 'SIGNER_UNTRUSTED' });
  });

  it('refuses an unsafe item path (UPSTREAM_INVALID), signed or not', async () => {
    for (const path of ['../../etc/passwd', '/etc/passwd', 'streams/v1/index.sjson', 'a//b']) {
      const root = await tempDir();
      const stream = await memoryStream();
      const version = stream.docs[CENTOS]!.products['com.ubuntu.maas.stable:centos-bases:8:amd64'].versions['20211104_01'];
      version.items['root-tgz'].path = path;
      await stream.publish();
      const err = await expectCode(exportToVault(stream, spec({}, root), root), 'UPSTREAM_INVALID');
      expect(err.message).toMatch(/unsafe item path/);
    }
  });

  it('refuses one path listed with two different sha256 values (UPSTREAM_INVALID)', async () => {
    const root = await tempDir();
    const stream = await memoryStream();
    const products = stream.docs[V3]!.products;
    const jammy = products['com.ubuntu.maas.stable:v3:boot:22.04:amd64:ga-22.04'].versions['20250701'].items;
    const noble = products['com.ubuntu.maas.stable:v3:boot:24.04:amd64:ga-24.04'].versions['20250701'].items;
    noble.squashfs.path = jammy.squashfs.path;
    await stream.publish();
    const err = await expectCode(exportToVault(stream, spec({ filters: ['arch=amd64'] }, root), root), 'UPSTREAM_INVALID');
    expect(err.message).toMatch(/two different sha256\/size values/);
  });

  it('refuses an item without a sha256, which could not be verified', async () => {
    const root = await tempDir();
    const stream = await memoryStream();
    delete stream.docs[BOOTLOADERS]!.products['com.ubuntu.maas.stable:1:grub-efi-signed:uefi:amd64'].versions['20231004.0'].items['grub2-signed'].sha256;
    await stream.publish();
    await expectCode(exportToVault(stream, spec({}, root), root), 'UPSTREAM_INVALID');
  });

  it('refuses filters that would publish a version MAAS 3.8 rejects (an ftype filter dropping the squashfs)', async () => {
    const root = await tempDir();
    const stream = await memoryStream();
    const err = await expectCode(exportToVault(stream, spec({ filters: ['ftype!=squashfs', 'os=ubuntu'] }, root), root), 'UPSTREAM_INVALID');
    expect(err.message).toMatch(/needs a "squashfs" or a "root-image.gz" item/);
  });

  it('refuses filters that match nothing (SOURCE_NOT_FOUND)', async () => {
    const root = await tempDir();
    const stream = await memoryStream();
    await expectCode(exportToVault(stream, spec({ filters: ['release=bionic'], bootloaders: false }, root), root), 'SOURCE_NOT_FOUND');
  });

  it('refuses a products file whose content_id is not the one the index lists', async () => {
    const root = await tempDir();
    const stream = await memoryStream();
    stream.docs[CENTOS]!.content_id = V3;
    await stream.publish();
    await expectCode(exportToVault(stream, spec({}, root), root), 'UPSTREAM_INVALID');
  });
});
