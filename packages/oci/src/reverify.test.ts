import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentProgress, sha256Digest } from '@airlock/core';
import { expectCode, tempDir, testUpstreamTrust } from '@airlock/test-utils';
import { makeSiteFixture, publishFixture } from './__tests__/site-fixture.js';
import { reverifyOci } from './reverify.js';

describe('reverifyOci and publishOci', () => {
  it('accepts a complete catalog and publishes an OCI layout with repository:tag ref names', async () => {
    const root = await tempDir();
    const f = await makeSiteFixture(root);
    await reverifyOci(f.catalog, { sourceName: 'k8s', vault: f.vault, progress: silentProgress, upstream: testUpstreamTrust() });
    const staging = join(root, 'staging');
    await publishFixture(f, staging);
    const layout = join(staging, 'oci', 'k8s');
    expect(JSON.parse(await readFile(join(layout, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
    const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string; annotations: Record<string, string> }> };
    expect(index.manifests.map((m) => [m.annotations['org.opencontainers.image.ref.name'], m.digest])).toEqual([
      ['acc/app:1', f.image.digest],
      ['acc/multi:latest', f.index.digest],
    ]);
    const stored = await readFile(join(layout, 'blobs', 'sha256', f.index.digest.slice(7)));
    expect(sha256Digest(stored)).toBe(f.index.digest);
    const readme = await readFile(join(layout, 'README.md'), 'utf8');
    expect(readme).toContain('/etc/containerd/certs.d/example.test/hosts.toml');
    expect(readme).toContain('prefix = "example.test"');
  });

  it('refuses a catalog that points at a blob the vault does not hold (BLOB_MISSING)', async () => {
    const root = await tempDir();
    const probe = await makeSiteFixture(join(root, 'probe'));
    const f = await makeSiteFixture(join(root, 'real'), { skipInVault: [probe.layer.digest] });
    await expectCode(reverifyOci(f.catalog, { sourceName: 'k8s', vault: f.vault, progress: silentProgress, upstream: testUpstreamTrust() }), 'BLOB_MISSING');
  });

  it('refuses a manifest that references a layer the catalog does not carry', async () => {
    const f = await makeSiteFixture(await tempDir());
    const catalog = { ...f.catalog, blobs: f.catalog.blobs.filter((b) => b.digest !== f.layer.digest) };
    await expectCode(reverifyOci(catalog, { sourceName: 'k8s', vault: f.vault, progress: silentProgress, upstream: testUpstreamTrust() }), 'BLOB_MISSING');
  });
});
