import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Digest, silentProgress } from '@airlock/core';
import { createFetcher } from '@airlock/fetch';
import { expectCode, requireTools, run, tempDir, testUpstreamTrust } from '@airlock/test-utils';
import { OCI_MANIFEST } from './media-types.js';
import { parseOciSpec } from './parse-spec.js';
import { resolveOci } from './resolve.js';

/** A minimal OCI layout on disk with one image tagged `ref`. */
async function layoutWith(dir: string, ref: string): Promise<string> {
  const config = Buffer.from('{"os":"linux","architecture":"amd64"}');
  const layer = Buffer.from(`layer of ${ref}`);
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256Digest(config), size: config.length }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256Digest(layer), size: layer.length }] }));
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const b of [config, layer, manifest]) await writeFile(join(dir, 'blobs', 'sha256', sha256Digest(b).slice(7)), b);
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: OCI_MANIFEST, digest: sha256Digest(manifest), size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': ref } }] }));
  return dir;
}

async function resolveImages(root: string, images: unknown[]) {
  const spec = parseOciSpec({ type: 'oci', name: 'local', images }, 's', root);
  const fetcher = createFetcher();
  try {
    return await resolveOci(spec, { sourceName: 'local', configDir: root, cacheDir: join(root, 'cache'), fetcher, progress: silentProgress, upstream: testUpstreamTrust() });
  } finally {
    await fetcher.close?.();
  }
}

describe('oci-layout sources and name mapping', () => {
  it('maps full reference names without their host and ships every blob from the layout', async () => {
    const root = await tempDir();
    await layoutWith(join(root, 'one'), 'registry.example:5000/team/tool:2');
    const { catalog, artifacts } = await resolveImages(root, ['oci-layout:one']);
    expect(catalog.images.map((i) => `${i.repository}:${i.tag}`)).toEqual(['team/tool:2']);
    expect(artifacts).toHaveLength(3);
  });

  it('refuses two images that map to the same site repository, and accepts them once renamed', async () => {
    const root = await tempDir();
    await layoutWith(join(root, 'a'), 'one.example/acc/app:1');
    await layoutWith(join(root, 'b'), 'two.example/acc/app:2');
    await expectCode(resolveImages(root, ['oci-layout:a', 'oci-layout:b']), 'CONFIG_INVALID');
    const { catalog } = await resolveImages(root, ['oci-layout:a', { image: 'oci-layout:b', prefix: 'two' }]);
    expect(catalog.images.map((i) => `${i.repository}:${i.tag}`)).toEqual(['acc/app:1', 'two/acc/app:2']);
  });

  it.skipIf(!requireTools('skopeo'))('reads a docker save archive written by skopeo, naming images by RepoTags', async () => {
    const root = await tempDir();
    await layoutWith(join(root, 'a'), 'app');
    const copied = run('skopeo', ['copy', `oci:${join(root, 'a')}:app`, `docker-archive:${join(root, 'x.tar')}:team/tool:3`]);
    expect(copied.status, copied.stderr).toBe(0);
    const { catalog, artifacts } = await resolveImages(root, ['docker-archive:x.tar']);
    expect(catalog.images.map((i) => `${i.repository}:${i.tag}`)).toEqual(['team/tool:3']);
    expect(catalog.images[0]?.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(artifacts).toHaveLength(3);
    for (const a of artifacts) expect(a.source.kind).toBe('file');
  });
});
