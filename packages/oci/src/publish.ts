import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AirlockError, asAirlockError, digestHex, ensureDir, isPlainName, writeFileAtomic, type PublishContext } from '@airlock/core';
import { REF_NAME } from './layout-source.js';
import { OCI_INDEX } from './media-types.js';
import { mirrorReadme } from './mirror-readme.js';
import { parseOciCatalog } from './parse-catalog.js';
import { refuseTagCollisions } from './tag-collisions.js';
import type { OciCatalog } from './types.js';

/**
 * Writes an OCI image layout into `<staging>/oci/<source>/`: blobs hardlinked from the vault, and
 * index.json naming every image as `<repository>:<tag>` in org.opencontainers.image.ref.name.
 */
export async function publishOci(raw: OciCatalog, ctx: PublishContext): Promise<void> {
  const catalog = parseOciCatalog(raw);
  if (!isPlainName(ctx.sourceName)) throw new AirlockError('PUBLISH_FAILED', `source name ${JSON.stringify(ctx.sourceName)} cannot be a directory name`);
  await refuseTagCollisions(catalog, ctx.staging, ctx.sourceName);
  const root = join(ctx.staging, 'oci', ctx.sourceName);
  const all = [...catalog.manifests, ...catalog.blobs];
  const task = ctx.progress.task(`publish oci/${ctx.sourceName}`, all.length, 'items');
  try {
    await rm(root, { recursive: true, force: true });
    await ensureDir(join(root, 'blobs', 'sha256'));
    for (const blob of all) {
      await ctx.vault.place(blob.digest, join(root, 'blobs', 'sha256', digestHex(blob.digest)));
      task.advance(1);
    }
    await writeFileAtomic(join(root, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}\n');
    await writeFileAtomic(join(root, 'index.json'), layoutIndex(catalog));
    await writeFileAtomic(join(root, 'README.md'), mirrorReadme(ctx.sourceName, catalog));
  } catch (err) {
    throw asAirlockError(err, 'PUBLISH_FAILED', `cannot publish oci/${ctx.sourceName}`);
  } finally {
    task.done();
  }
}

function layoutIndex(catalog: OciCatalog): string {
  const manifests = catalog.images.map((image) => ({
    mediaType: image.mediaType,
    digest: image.digest,
    size: image.size,
    annotations: { [REF_NAME]: `${image.repository}:${image.tag}` },
  }));
  return `${JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }, null, 2)}\n`;
}
