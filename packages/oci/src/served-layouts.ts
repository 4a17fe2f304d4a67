import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isMissingFileError, isRecord, digestHex, isDigest, readFileLimited, type Digest } from '@airlock/core';
import { REF_NAME } from './layout-source.js';
import { MANIFEST_LIMIT, parseManifest } from './media-types.js';

export interface ServedRepository {
  tags: Map<string, Digest>;
  manifests: Set<Digest>;
  blobs: Set<Digest>;
}

/** What the registry API can answer: every image in the publication's `oci/*` layouts. */
export interface ServedContent {
  repositories: Map<string, ServedRepository>;
  manifestTypes: Map<Digest, string>;
  paths: Map<Digest, string>;
}

let cached: { key: string; content: ServedContent } | undefined;
let loading: { key: string; content: Promise<ServedContent> } | undefined;

const empty = (): ServedContent => ({ repositories: new Map(), manifestTypes: new Map(), paths: new Map() });

/**
 * Loads the layouts of the publication `root` points at now; reloaded when `current` switches.
 * Only a complete load is cached (a snapshot never changes once live). Anything but "not there"
 * (ENOENT) while loading, such as EMFILE when a client exhausts descriptors or EIO, rejects, and
 * the next request tries again: a transient error must not turn every image into a 404.
 */
export async function servedContent(root: string): Promise<ServedContent> {
  let key: string;
  try {
    key = await realpath(root);
  } catch (err) {
    if (isMissingFileError(err)) return empty();
    throw err;
  }
  if (cached?.key === key) return cached.content;
  if (loading?.key !== key) {
    const attempt = { key, content: loadContent(key) };
    loading = attempt;
    attempt.content.then(
      (content) => {
        cached = { key, content };
        if (loading === attempt) loading = undefined;
      },
      () => {
        if (loading === attempt) loading = undefined;
      },
    );
  }
  return loading.content;
}

async function loadContent(publication: string): Promise<ServedContent> {
  const content = empty();
  const ociRoot = join(publication, 'oci');
  const sources = await readdir(ociRoot, { withFileTypes: true }).catch((err: unknown) => {
    if (isMissingFileError(err)) return [];
    throw err;
  });
  for (const source of sources.filter((d) => d.isDirectory()).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    await loadLayout(join(ociRoot, source.name), content);
  }
  return content;
}

async function loadLayout(layout: string, content: ServedContent): Promise<void> {
  const index = JSON.parse((await readFileLimited(join(layout, 'index.json'), MANIFEST_LIMIT)).toString('utf8')) as unknown;
  const entries = isRecord(index) && Array.isArray(index.manifests) ? index.manifests : [];
  const blobPath = (d: Digest): string => join(layout, 'blobs', 'sha256', digestHex(d));
  for (const entry of entries) {
    if (!isRecord(entry) || !isDigest(entry.digest) || !isRecord(entry.annotations)) continue;
    const ref = entry.annotations[REF_NAME];
    if (typeof ref !== 'string' || !ref.includes(':')) continue;
    const name = ref.slice(0, ref.lastIndexOf(':'));
    const tag = ref.slice(ref.lastIndexOf(':') + 1);
    let repo = content.repositories.get(name);
    if (!repo) {
      repo = { tags: new Map(), manifests: new Set(), blobs: new Set() };
      content.repositories.set(name, repo);
    }
    repo.tags.set(tag, entry.digest);
    await walk(entry.digest, typeof entry.mediaType === 'string' ? entry.mediaType : undefined, repo, content, blobPath);
  }
}

async function walk(digest: Digest, declared: string | undefined, repo: ServedRepository, content: ServedContent, blobPath: (d: Digest) => string): Promise<void> {
  if (repo.manifests.has(digest)) return;
  const path = blobPath(digest);
  if (!(await exists(path))) return; // a platform the export filtered out
  const parsed = parseManifest(await readFileLimited(path, MANIFEST_LIMIT), declared, digest);
  repo.manifests.add(digest);
  content.manifestTypes.set(digest, parsed.mediaType);
  if (!content.paths.has(digest)) content.paths.set(digest, path);
  if (parsed.kind === 'index') {
    for (const child of parsed.children) await walk(child.digest, child.mediaType, repo, content, blobPath);
    return;
  }
  for (const blob of [parsed.config, ...parsed.layers]) {
    repo.blobs.add(blob.digest);
    if (!content.paths.has(blob.digest)) content.paths.set(blob.digest, blobPath(blob.digest));
  }
}

/** Only ENOENT means absent; EMFILE, EIO and the like are errors, never "not there". */
async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (isMissingFileError(err)) return false;
    throw err;
  }
}
