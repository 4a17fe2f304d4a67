// A small published image built in-process: a real Vault holding an image manifest, an index and blobs.
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { sha256Digest, silentProgress, type Digest, type Signer } from '@airlock/core';
import { Vault } from '@airlock/vault';
import { OCI_INDEX, OCI_MANIFEST } from '../media-types.js';
import { publishOci } from '../publish.js';
import type { OciCatalog } from '../types.js';
import { testUpstreamTrust } from '@airlock/test-utils';

export interface SiteFixture {
  vault: Vault;
  catalog: OciCatalog;
  layer: { digest: Digest; bytes: Buffer };
  image: { digest: Digest; bytes: Buffer };
  index: { digest: Digest; bytes: Buffer };
}

export async function makeSiteFixture(root: string, options: { skipInVault?: Digest[] } = {}): Promise<SiteFixture> {
  const vault = new Vault(join(root, 'vault'));
  await vault.init();
  const layer = Buffer.from('layer bytes '.repeat(1000));
  const config = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
  const d = (b: Buffer): { digest: Digest; size: number } => ({ digest: sha256Digest(b), size: b.length });
  const image = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...d(config) },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...d(layer) }],
    }),
  );
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        { mediaType: OCI_MANIFEST, ...d(image), platform: { os: 'linux', architecture: 'amd64' } },
        { mediaType: OCI_MANIFEST, digest: sha256Digest('filtered out'), size: 12, platform: { os: 'linux', architecture: 's390x' } },
      ],
    }),
  );
  const skip = new Set(options.skipInVault ?? []);
  for (const b of [layer, config, image, index]) {
    if (!skip.has(sha256Digest(b))) await vault.ingest(Readable.from([b]), d(b));
  }
  const catalog: OciCatalog = {
    version: 1,
    images: [
      { repository: 'acc/app', tag: '1', mediaType: OCI_MANIFEST, upstream: 'example.test/acc/app:1', ...d(image) },
      { repository: 'acc/multi', tag: 'latest', mediaType: OCI_INDEX, upstream: 'example.test/acc/multi:latest', ...d(index) },
    ],
    manifests: [
      { mediaType: OCI_MANIFEST, ...d(image) },
      { mediaType: OCI_INDEX, ...d(index) },
    ],
    blobs: [
      { mediaType: 'application/vnd.oci.image.config.v1+json', ...d(config) },
      { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...d(layer) },
    ],
  };
  return { vault, catalog, layer: { digest: sha256Digest(layer), bytes: layer }, image: { digest: sha256Digest(image), bytes: image }, index: { digest: sha256Digest(index), bytes: index } };
}

export async function publishFixture(f: SiteFixture, staging: string, sourceName = 'k8s', catalog = f.catalog): Promise<void> {
  await publishOci(catalog, { sourceName, vault: f.vault, progress: silentProgress, upstream: testUpstreamTrust(), staging, siteSigner: {} as Signer });
}
