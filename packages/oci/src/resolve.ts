import { AirlockError, type Artifact, type Digest, type ExportContext, type ResolveResult } from '@airlock/core';
import type { FetchedManifest, ImageSource } from './image-source.js';
import { parseManifest, type ParsedManifest } from './media-types.js';
import { planImages, type PlannedImage } from './plan-images.js';
import { selectPlatforms } from './platform.js';
import type { CatalogBlob, CatalogImage, OciCatalog, OciSpec } from './types.js';

interface Collected {
  manifests: Map<Digest, CatalogBlob>;
  blobs: Map<Digest, CatalogBlob>;
  artifacts: Map<Digest, Artifact>;
}

/** Online: fetches every manifest (kept byte for byte), selects platforms, lists every blob. */
export async function resolveOci(spec: OciSpec, ctx: ExportContext): Promise<ResolveResult<OciCatalog>> {
  const planned = await planImages(spec, ctx);
  const collected: Collected = { manifests: new Map(), blobs: new Map(), artifacts: new Map() };
  const images: CatalogImage[] = [];
  const task = ctx.progress.task(`resolve oci/${ctx.sourceName}`, planned.length, 'items');
  const withoutPlatform: string[] = [];
  try {
    for (const image of planned) {
      try {
        images.push(await resolveImage(image, spec, collected));
      } catch (err) {
        // Every image the platform filter empties is listed at once, so one plan shows them all.
        if (!(err instanceof AirlockError && err.details?.noPlatform === true)) throw err;
        withoutPlatform.push(image.upstream);
      }
      task.advance(1);
    }
  } finally {
    task.done();
  }
  if (withoutPlatform.length > 0) {
    throw new AirlockError('SOURCE_NOT_FOUND', `oci/${ctx.sourceName}: ${withoutPlatform.length} image(s) offer none of the platforms ${spec.platforms.join(', ')}: ${withoutPlatform.join(', ')}; change platforms: or drop these images`, {
      details: { images: withoutPlatform, platforms: spec.platforms },
    });
  }
  images.sort((a, b) => (a.repository === b.repository ? cmp(a.tag, b.tag) : cmp(a.repository, b.repository)));
  const sortByDigest = (m: Map<Digest, CatalogBlob>): CatalogBlob[] => [...m.values()].sort((a, b) => cmp(a.digest, b.digest));
  return {
    catalog: { version: 1, images, manifests: sortByDigest(collected.manifests), blobs: sortByDigest(collected.blobs) },
    artifacts: [...collected.artifacts.values()],
  };
}

async function resolveImage(image: PlannedImage, spec: OciSpec, collected: Collected): Promise<CatalogImage> {
  const top = await image.source.manifest(image.reference ?? image.tag);
  if (image.pinned && top.digest !== image.pinned) {
    throw new AirlockError('DIGEST_MISMATCH', `${image.upstream} is now ${top.digest}, but the config pins ${image.pinned}; the upstream tag moved. Update the pin after reviewing the new image`, {
      details: { image: image.upstream, expected: image.pinned, actual: top.digest },
    });
  }
  const parsed = parseManifest(top.bytes, top.mediaType, image.upstream);
  await collect(image, top, parsed, spec, collected);
  return {
    repository: image.siteRepository,
    tag: image.tag,
    digest: top.digest,
    mediaType: parsed.mediaType,
    size: top.bytes.length,
    upstream: image.upstream,
  };
}

async function collect(image: PlannedImage, fetched: FetchedManifest, parsed: ParsedManifest, spec: OciSpec, collected: Collected): Promise<void> {
  const label = `${image.upstream}@${fetched.digest}`;
  collected.manifests.set(fetched.digest, { digest: fetched.digest, size: fetched.bytes.length, mediaType: parsed.mediaType });
  collected.artifacts.set(fetched.digest, { digest: fetched.digest, size: fetched.bytes.length, source: { kind: 'file', path: fetched.path }, label: `manifest ${label}` });
  if (parsed.kind === 'index') {
    const chosen = selectPlatforms(parsed.children, spec.platforms);
    if (chosen.length === 0) {
      throw new AirlockError('SOURCE_NOT_FOUND', `${image.upstream} offers none of the platforms ${spec.platforms.join(', ')}; change platforms: or drop the image`, { details: { noPlatform: true } });
    }
    for (const child of chosen) {
      const fetchedChild = await image.source.manifest(child.digest);
      if (fetchedChild.bytes.length !== child.size) {
        throw new AirlockError('SIZE_MISMATCH', `${image.upstream}: manifest ${child.digest} has ${fetchedChild.bytes.length} bytes, the index says ${child.size}`);
      }
      const parsedChild = parseManifest(fetchedChild.bytes, child.mediaType, `${image.upstream}@${child.digest}`);
      await collect(image, fetchedChild, parsedChild, spec, collected);
    }
    return;
  }
  for (const blob of [parsed.config, ...parsed.layers]) addBlob(image.source, blob, label, collected);
}

function addBlob(source: ImageSource, blob: { digest: Digest; size: number; mediaType: string }, label: string, collected: Collected): void {
  const known = collected.blobs.get(blob.digest);
  if (known && known.size !== blob.size) throw new AirlockError('UPSTREAM_INVALID', `${blob.digest} is declared with sizes ${known.size} and ${blob.size} (${label})`);
  if (known) return;
  collected.blobs.set(blob.digest, { digest: blob.digest, size: blob.size, mediaType: blob.mediaType });
  collected.artifacts.set(blob.digest, { digest: blob.digest, size: blob.size, source: source.blob(blob, label), label: `blob of ${label}` });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
