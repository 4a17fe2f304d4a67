import { mkdir, open, realpath, rm, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { isRecord, AirlockError, asAirlockError, hashFile, pathExists, readFileLimited, sha256Hex, type BlobSource, type Digest } from '@airlock/core';
import type { FetchedManifest, ImageSource } from './image-source.js';
import { LayoutSource } from './layout-source.js';
import { cacheManifest } from './manifest-cache.js';
import { DOCKER_MANIFEST, MANIFEST_LIMIT, type Descriptor } from './media-types.js';
import { parseImageReference } from './reference.js';

export interface ArchiveImage {
  repository: string;
  tag: string;
  source: ImageSource;
  /** What to ask `source` for. */
  reference: string;
}

/**
 * Opens a `docker save` archive. Since Engine 25 the tar is also an OCI layout, read as one; older
 * archives get a Docker schema2 manifest built from manifest.json (config and layer tars as blobs).
 */
export async function openDockerArchive(path: string, cacheDir: string): Promise<ArchiveImage[]> {
  const info = await stat(path).catch((err: unknown) => {
    throw asAirlockError(err, 'SOURCE_NOT_FOUND', `cannot read docker-archive ${path}`);
  });
  const dir = join(cacheDir, `archive-${sha256Hex(`${path}\0${info.size}\0${info.mtimeMs}`).slice(0, 16)}`);
  if (!(await pathExists(join(dir, '.complete')))) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    // node-tar strips absolute paths and `..`; links are checked when they are read (inside()).
    const { extract } = await import('tar'); // large: loaded only when an archive is read
    await extract({ file: path, cwd: dir, strict: true }).catch((err: unknown) => {
      throw asAirlockError(err, 'UPSTREAM_INVALID', `docker-archive ${path} is not a readable tar`);
    });
    await mkdir(join(dir, '.complete'));
  }
  const legacy = await readLegacyManifest(dir, path);
  if (!legacy && (await pathExists(join(dir, 'index.json')))) {
    const layout = new LayoutSource(dir, cacheDir);
    return (await layout.tags()).map((ref) => named(ref, layout, path));
  }
  if (!legacy) throw new AirlockError('UPSTREAM_INVALID', `docker-archive ${path} has neither manifest.json nor index.json`);
  const images: ArchiveImage[] = [];
  for (const [i, entry] of legacy.entries()) {
    const source = new LegacyArchiveImage(dir, cacheDir, entry, `docker-archive:${path}[${i}]`);
    for (const repoTag of entry.repoTags) images.push({ ...named(repoTag, source, path), reference: 'image' });
  }
  return images;
}

function named(ref: string, source: ImageSource, path: string): ArchiveImage {
  const parsed = parseImageReference(ref);
  if (!parsed?.tag) throw new AirlockError('UPSTREAM_INVALID', `docker-archive ${path} names an image ${JSON.stringify(ref)} without a usable name:tag`);
  // docker.io names come back as library/x or user/x: the host is dropped like for registry images.
  return { repository: parsed.repository, tag: parsed.tag, source, reference: ref };
}

interface LegacyEntry {
  config: string;
  layers: string[];
  repoTags: string[];
}

/** manifest.json is attacker-controlled: every path must stay inside the extracted archive. */
async function readLegacyManifest(dir: string, path: string): Promise<LegacyEntry[] | undefined> {
  if (!(await pathExists(join(dir, 'manifest.json')))) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse((await readFileLimited(join(dir, 'manifest.json'), MANIFEST_LIMIT)).toString('utf8'));
  } catch {
    throw new AirlockError('UPSTREAM_INVALID', `docker-archive ${path}: manifest.json is not JSON`);
  }
  if (!Array.isArray(doc)) throw new AirlockError('UPSTREAM_INVALID', `docker-archive ${path}: manifest.json is not a list`);
  return doc.map((e: unknown) => {
    if (!isRecord(e) || typeof e.Config !== 'string' || !Array.isArray(e.Layers) || !e.Layers.every((l) => typeof l === 'string')) {
      throw new AirlockError('UPSTREAM_INVALID', `docker-archive ${path}: manifest.json entries need Config and Layers`);
    }
    const repoTags = Array.isArray(e.RepoTags) ? e.RepoTags.filter((t): t is string => typeof t === 'string') : [];
    return { config: e.Config, layers: e.Layers as string[], repoTags };
  });
}

class LegacyArchiveImage implements ImageSource {
  private readonly files = new Map<Digest, string>();
  private built: FetchedManifest | undefined;

  constructor(
    private readonly dir: string,
    private readonly cacheDir: string,
    private readonly entry: LegacyEntry,
    readonly label: string,
  ) {}

  async tags(): Promise<string[]> {
    return this.entry.repoTags;
  }

  async manifest(reference: string): Promise<FetchedManifest> {
    if (this.built && (reference === 'image' || reference === this.built.digest)) return this.built;
    if (this.built) throw new AirlockError('SOURCE_NOT_FOUND', `${this.label} has no manifest ${reference}`);
    const config = await this.describe(this.entry.config, 'application/vnd.docker.container.image.v1+json');
    const layers: Descriptor[] = [];
    for (const layer of this.entry.layers) layers.push(await this.describe(layer, undefined));
    const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: DOCKER_MANIFEST, config, layers }, null, 3));
    const { digest, path } = await cacheManifest(this.cacheDir, bytes);
    this.built = { bytes, mediaType: DOCKER_MANIFEST, digest, path };
    return this.built;
  }

  blob(descriptor: Descriptor): BlobSource {
    return { kind: 'file', path: this.files.get(descriptor.digest) as string };
  }

  private async describe(name: string, mediaType: string | undefined): Promise<Descriptor> {
    const file = await inside(this.dir, name, this.label);
    const { digest, size } = await hashFile(file);
    this.files.set(digest, file);
    const head = Buffer.alloc(2);
    const handle = await open(file, 'r');
    try {
      await handle.read(head, 0, 2, 0);
    } finally {
      await handle.close();
    }
    const type = mediaType ?? (head[0] === 0x1f && head[1] === 0x8b ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : 'application/vnd.docker.image.rootfs.diff.tar');
    return { mediaType: type, size, digest };
  }
}

async function inside(dir: string, name: string, label: string): Promise<string> {
  const root = await realpath(dir);
  const real = await realpath(join(dir, name)).catch(() => '');
  if (!real.startsWith(root + sep)) throw new AirlockError('UPSTREAM_INVALID', `${label}: ${JSON.stringify(name)} is not a file inside the archive`);
  return real;
}
