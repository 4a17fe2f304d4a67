import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { silentProgress } from '@airlock/core';
import { expectCode, requireTools, tempDir, testUpstreamTrust } from '@airlock/test-utils';
import { exportToVault, memoryStream, spec } from './__tests__/memory-stream.js';
import { checkPublishedMirror } from './conformance/mirror.js';
import { publishSimplestreams } from './publish.js';
import { CUSTOM_CONTENT_ID } from './render.js';
import { reverifySimplestreams } from './reverify.js';

describe.skipIf(!requireTools('tar'))('simplestreams custom images', () => {
  it('a root tarball becomes a single-file product in its own content id, with a generated manifest', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'rootfs/etc'), { recursive: true });
    await writeFile(join(root, 'rootfs/etc/redhat-release'), 'Red Hat Enterprise Linux 9\n');
    expect(spawnSync('tar', ['-C', join(root, 'rootfs'), '-czf', join(root, 'rhel9.tar.gz'), '.']).status).toBe(0);
    const stream = await memoryStream();
    const s = spec({ filters: ['release=noble', 'arch=amd64'], custom: [{ name: 'rhel/9', title: 'RHEL 9 (site build)', arch: 'amd64', file: 'rhel9.tar.gz', version: '20250101_01' }] }, root);
    const { catalog, vault } = await exportToVault(stream, s, root);
    expect(catalog.custom).toMatchObject([{ product: 'com.ubuntu.maas.airlock:rhel-bases:9:amd64', os: 'rhel', release: '9', version: '20250101_01' }]);
    expect(catalog.custom[0]?.items.map((i) => i.path)).toEqual(['rhel/9/amd64/20250101_01/root-tgz.manifest', 'rhel/9/amd64/20250101_01/root-tgz']);
    const staging = join(root, 'staging');
    const ctx = { sourceName: 'maas', vault, progress: silentProgress, upstream: testUpstreamTrust(), staging, siteSigner: stream.signer };
    await reverifySimplestreams(catalog, ctx);
    await publishSimplestreams(catalog, ctx);
    const report = await checkPublishedMirror(join(staging, 'simplestreams/maas'), { digests: true });
    expect(report.problems).toEqual([]);
    const custom = report.products.get(CUSTOM_CONTENT_ID);
    expect(custom?.report.shape).toBe('single-file');
    expect(custom?.data.products).toMatchObject({ 'com.ubuntu.maas.airlock:rhel-bases:9:amd64': { os: 'rhel', release: '9', release_title: 'RHEL 9 (site build)', subarch: 'generic', support_eol: null } });
  });

  it('refuses a gzip that is not a tar (a dd image MAAS 3.8 cannot take from a stream)', async () => {
    const root = await tempDir();
    await writeFile(join(root, 'disk.img.gz'), gzipSync(Buffer.alloc(4096, 7)));
    const stream = await memoryStream();
    const err = await expectCode(exportToVault(stream, spec({ custom: [{ name: 'rhel/9', arch: 'amd64', file: 'disk.img.gz' }] }, root), root), 'CONFIG_INVALID');
    expect(err.message).toMatch(/boot-resources create/);
    await writeFile(join(root, 'plain.tar'), 'not gzip at all');
    await expectCode(exportToVault(stream, spec({ custom: [{ name: 'rhel/9', arch: 'amd64', file: 'plain.tar' }] }, root), root), 'CONFIG_INVALID');
  });
});
