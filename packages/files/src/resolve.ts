import { join } from 'node:path';
import type { Artifact, ExportContext, ResolveResult } from '@airlock/core';
import { DigestCache } from './digest-cache.js';
import { FileHashing, type HashedFile } from './hash-files.js';
import { readLocalSources } from './local-sources.js';
import { mergeEntries, parentDirs, type OriginEntry } from './merge-entries.js';
import type { FilesCatalog, FilesSpec } from './types.js';
import { fetchUrlSources } from './url-sources.js';

/** URL files are published world-readable; their upstream mode is unknown. */
const URL_FILE_MODE = 0o644;

/** Builds the catalog of local trees and URL files, hashing (or fetching) every file once. */
export async function resolveFiles(spec: FilesSpec, ctx: ExportContext): Promise<ResolveResult<FilesCatalog>> {
  const cache = await DigestCache.load(join(ctx.cacheDir, `digests-${spec.name}.json`));
  try {
    return await collect(spec, ctx, cache);
  } finally {
    // Keep the hashing work even when a later step fails; losing the cache only costs time.
    await cache.save().catch((err: unknown) => ctx.progress.warn(`cannot save the digest cache: ${String(err)}`));
  }
}

async function collect(spec: FilesSpec, ctx: ExportContext, cache: DigestCache): Promise<ResolveResult<FilesCatalog>> {
  const items: OriginEntry[] = [];
  const artifacts: Artifact[] = [];

  const hashing = new FileHashing(cache, ctx.progress, spec.name);
  const groups = await readLocalSources(spec.path, ctx.progress, (file) => hashing.add(file)).catch(async (err: unknown) => {
    await hashing.abandon();
    throw err;
  });
  // In the order the walk found them, which is the order of the entries below.
  const hashed = await hashing.finish();
  let next = 0;
  // Entries are built with their keys in canonical (sorted) order, so the catalog's canonical JSON
  // is written without copying 100,000s of objects to reorder them.
  for (const group of groups) {
    for (const found of group.entries) {
      if (found.kind === 'file') {
        const h = hashed[next++] as HashedFile;
        items.push({ entry: { digest: h.digest, mode: h.mode, path: found.path, size: h.size, type: 'file' }, origin: group.origin });
        const source: Artifact['source'] = h.settled ? { kind: 'file', path: found.abs, settled: h.settled } : { kind: 'file', path: found.abs };
        artifacts.push({ digest: h.digest, size: h.size, source, label: `${spec.name}/${found.path}` });
      } else if (found.kind === 'dir') {
        items.push({ entry: { mode: found.mode, path: found.path, type: 'dir' }, origin: group.origin });
      } else {
        items.push({ entry: { path: found.path, target: found.target, type: 'symlink' }, origin: group.origin });
      }
    }
  }

  for (const got of await fetchUrlSources(spec.urls, ctx, cache)) {
    const { path } = got.source;
    items.push(...parentDirs(path, got.source.url));
    items.push({ entry: { digest: got.digest, mode: URL_FILE_MODE, path, size: got.size, type: 'file' }, origin: got.source.url });
    artifacts.push({ digest: got.digest, size: got.size, source: { kind: 'file', path: got.blobPath }, label: `${spec.name}/${path}` });
  }

  const entries = mergeEntries(spec.name, items, ctx.progress);
  return { catalog: { version: 1, entries }, artifacts: uniqueByDigest(artifacts) };
}

function uniqueByDigest(artifacts: Artifact[]): Artifact[] {
  const byDigest = new Map<string, Artifact>();
  for (const a of artifacts) if (!byDigest.has(a.digest)) byDigest.set(a.digest, a);
  return [...byDigest.values()];
}
