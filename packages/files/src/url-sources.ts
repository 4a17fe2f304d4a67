import { rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { digestHex, ensureDir, sha256Hex, type Digest, type ExportContext } from '@airlock/core';
import { mapConcurrent } from '@airlock/fetch';
import type { DigestCache } from './digest-cache.js';
import type { FilesUrlSource } from './types.js';

const DOWNLOAD_CONCURRENCY = 4;

export interface FetchedUrl {
  source: FilesUrlSource;
  digest: Digest;
  size: number;
  /** The verified copy in the download cache, which the exporter packs from. */
  blobPath: string;
}

/**
 * Brings every URL into `<cacheDir>/blobs/<hex>`. A pinned file already there (known to the digest
 * cache) is not fetched again. An unpinned URL is downloaded on every run, because only its bytes
 * tell whether upstream changed.
 */
export async function fetchUrlSources(sources: FilesUrlSource[], ctx: ExportContext, cache: DigestCache): Promise<FetchedUrl[]> {
  const blobs = join(ctx.cacheDir, 'blobs');
  await ensureDir(blobs);
  // The same file listed twice (under two target paths) is fetched once: both would write the same partial file.
  const inFlight = new Map<string, Promise<FetchedUrl>>();
  return mapConcurrent(sources, DOWNLOAD_CONCURRENCY, async (source) => {
    const key = source.sha256 ?? source.url;
    let fetching = inFlight.get(key);
    if (fetching === undefined) {
      fetching = source.sha256 === undefined ? fetchUnpinned(source, ctx, blobs, cache) : fetchPinned(source, source.sha256, ctx, blobs, cache);
      inFlight.set(key, fetching);
    }
    return { ...(await fetching), source };
  });
}

async function fetchPinned(source: FilesUrlSource, digest: Digest, ctx: ExportContext, blobs: string, cache: DigestCache): Promise<FetchedUrl> {
  const blobPath = join(blobs, digestHex(digest));
  const known = await cachedDigest(blobPath, cache);
  if (known?.digest === digest) return { source, digest, size: known.size, blobPath };
  const got = await download(source, blobPath, ctx, digest);
  await rememberBlob(blobPath, got.digest, cache);
  return { source, ...got, blobPath };
}

async function fetchUnpinned(source: FilesUrlSource, ctx: ExportContext, blobs: string, cache: DigestCache): Promise<FetchedUrl> {
  ctx.progress.info(`${source.url} has no sha256 in the config: trusting the bytes as downloaded`);
  const staging = join(ctx.cacheDir, 'downloads', sha256Hex(source.url));
  const got = await download(source, staging, ctx, undefined);
  const blobPath = join(blobs, digestHex(got.digest));
  await rename(staging, blobPath);
  await rememberBlob(blobPath, got.digest, cache);
  return { source, ...got, blobPath };
}

async function download(source: FilesUrlSource, dest: string, ctx: ExportContext, digest: Digest | undefined): Promise<{ digest: Digest; size: number }> {
  const task = ctx.progress.task(`download ${source.path}`, undefined, 'bytes');
  try {
    return await ctx.fetcher.download(source.url, dest, {
      ...(digest === undefined ? {} : { expected: { digest } }),
      label: source.url,
      onProgress: (bytes) => task.advance(bytes),
    });
  } finally {
    task.done();
  }
}

async function cachedDigest(path: string, cache: DigestCache): Promise<{ digest: Digest; size: number } | undefined> {
  try {
    const info = await stat(path);
    const digest = info.isFile() ? cache.lookup({ abs: path, size: info.size, mtimeMs: info.mtimeMs, ino: info.ino }) : undefined;
    return digest === undefined ? undefined : { digest, size: info.size };
  } catch {
    return undefined;
  }
}

async function rememberBlob(path: string, digest: Digest, cache: DigestCache): Promise<void> {
  const info = await stat(path);
  cache.remember({ abs: path, size: info.size, mtimeMs: info.mtimeMs, ino: info.ino }, digest);
}
