import { basename, join } from 'node:path';
import { AirlockError, sha256Hex, type ExportContext } from '@airlock/core';
import { credentialsFor } from './docker-auth.js';
import type { ImageSource } from './image-source.js';
import { LayoutSource } from './layout-source.js';
import { parseImageReference, REPO_RE, registryBaseUrl } from './reference.js';
import { RegistryClient } from './registry-client.js';
import { RegistrySource } from './registry-source.js';
import type { ImageSpec, OciSpec } from './types.js';

/** One tag to mirror: where it comes from and the name it gets on the site. */
export interface PlannedImage {
  siteRepository: string;
  tag: string;
  /** Upstream registry host + repository, or the local path: two origins may not share a site repository. */
  origin: string;
  upstream: string;
  source: ImageSource;
  pinned?: `sha256:${string}`;
  /** What to ask the source for, when it differs from the tag (a layout's full ref.name). */
  reference?: string;
}

/** Expands the config's images into concrete tags and refuses name collisions on the site. */
export async function planImages(spec: OciSpec, ctx: ExportContext): Promise<PlannedImage[]> {
  const clients = new Map<string, RegistryClient>();
  const planned: PlannedImage[] = [];
  for (const image of spec.images) {
    const cacheDir = join(ctx.cacheDir, 'sources', sha256Hex(image.text).slice(0, 16));
    if (image.kind === 'registry') {
      let client = clients.get(image.location);
      if (!client) {
        const creds = await credentialsFor(spec.authFile, image.location);
        client = new RegistryClient(registryBaseUrl(image.location, spec.insecureRegistries), creds, image.location);
        clients.set(image.location, client);
      }
      const source = new RegistrySource(client, image.repository, cacheDir, ctx.fetcher);
      const tags = image.tag !== undefined ? [image.tag] : filterTags(await source.tags(), image.tagPattern);
      for (const tag of tags) {
        planned.push({
          siteRepository: siteName(spec, image, image.repository),
          tag,
          origin: `${image.location}/${image.repository}`,
          upstream: `${image.location}/${image.repository}:${tag}`,
          source,
          ...(image.pinned ? { pinned: image.pinned } : {}),
        });
      }
    } else {
      planned.push(...(await planLocal(spec, image, cacheDir)));
    }
  }
  refuseCollisions(planned);
  return dedupe(planned);
}

async function planLocal(spec: OciSpec, image: ImageSpec, cacheDir: string): Promise<PlannedImage[]> {
  if (image.kind === 'docker-archive') {
    const { openDockerArchive } = await import('./archive-source.js');
    return (await openDockerArchive(image.location, cacheDir)).map(({ repository, tag, source, reference }) => ({
      siteRepository: siteName(spec, image, repository),
      tag,
      origin: `${image.text}#${repository}`,
      upstream: `${image.text}#${repository}:${tag}`,
      source,
      reference,
    }));
  }
  const source = new LayoutSource(image.location, cacheDir);
  const refs = image.tag !== undefined ? [image.tag] : await source.tags();
  if (refs.length === 0) throw new AirlockError('SOURCE_NOT_FOUND', `${image.text} has no tagged images (org.opencontainers.image.ref.name)`);
  return refs.map((ref) => {
    const named = ref.includes('/') || ref.includes(':') ? parseImageReference(ref) : undefined;
    const fallback = basename(image.location).toLowerCase().replace(/[^a-z0-9._-]/g, '-').replace(/^[._-]+/, '') || 'image';
    const repository = named?.repository ?? fallback;
    if (!REPO_RE.test(image.rename ?? repository)) throw new AirlockError('CONFIG_INVALID', `${image.text}: cannot derive a repository name; give rename:`);
    return {
      siteRepository: siteName(spec, image, repository),
      tag: named?.tag ?? ref,
      origin: `${image.location}#${repository}`,
      upstream: `${image.text}#${ref}`,
      source,
      reference: ref,
    };
  });
}

/** The default site name is the upstream path without the registry host; rename and prefixes adjust it. */
function siteName(spec: OciSpec, image: ImageSpec, upstreamRepository: string): string {
  return [spec.prefix, image.prefix, image.rename ?? upstreamRepository].filter((p) => p !== undefined).join('/');
}

function filterTags(tags: string[], pattern: string | undefined): string[] {
  if (pattern === undefined) return tags;
  const re = new RegExp(`^(?:${pattern})$`);
  return tags.filter((t) => re.test(t));
}

function refuseCollisions(planned: PlannedImage[]): void {
  const origins = new Map<string, string>();
  for (const p of planned) {
    const other = origins.get(p.siteRepository);
    if (other !== undefined && other !== p.origin) {
      throw new AirlockError('CONFIG_INVALID', `${other} and ${p.origin} would both be published as ${p.siteRepository}; give one of them a prefix or rename`, {
        details: { repository: p.siteRepository, origins: [other, p.origin] },
      });
    }
    origins.set(p.siteRepository, p.origin);
  }
}

function dedupe(planned: PlannedImage[]): PlannedImage[] {
  const seen = new Map<string, PlannedImage>();
  for (const p of planned) {
    const key = `${p.siteRepository}:${p.tag}`;
    const previous = seen.get(key);
    if (previous?.pinned && p.pinned && previous.pinned !== p.pinned) throw new AirlockError('CONFIG_INVALID', `${key} is pinned to two different digests`);
    if (!previous || p.pinned) seen.set(key, p);
  }
  return [...seen.values()];
}
