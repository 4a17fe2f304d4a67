import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { AirlockError, hashFile, hexToDigest, pathExists, type Digest, type Fetcher } from '@airlock/core';
import { compressionOf, decompressed } from './decompress.js';
import { readStanzas } from './deb822.js';
import { readIndexEntries } from './index-entries.js';
import type { PackageEntry } from './package-entry.js';
import type { ParsedRelease } from './release.js';

export interface FetchedIndex {
  component: string;
  architecture: string;
  path: string;
  digest: Digest;
  size: number;
  /** The verified file in the export cache. */
  file: string;
  /** The most its content may decompress to: the uncompressed size Release lists, if it does. */
  openSize?: number;
}

/** gzip is decoded in-process and plain text needs nothing; xz needs the external tool, so it comes last. */
const PREFERENCE = ['.gz', '', '.xz'];

/** Picks the Packages file Release lists for one component/architecture (`''`/`''` for a flat repository). */
export function choosePackagesPath(release: ParsedRelease, component: string, architecture: string, label: string): string {
  const base = component === '' ? 'Packages' : `${component}/binary-${architecture}/Packages`;
  for (const ext of PREFERENCE) if (release.files.has(base + ext)) return base + ext;
  throw new AirlockError('UPSTREAM_INVALID', `${label} lists no ${base}{.gz,,.xz}: check components and architectures against the archive`, { details: { component, architecture } });
}

/** Downloads one index into the cache, verified against the (already verified) Release SHA256 and size. */
export async function fetchIndex(fetcher: Fetcher, dirUrl: string, release: ParsedRelease, path: string, cacheDir: string): Promise<Omit<FetchedIndex, 'component' | 'architecture'>> {
  const listed = release.files.get(path);
  if (listed === undefined) throw new AirlockError('INTERNAL', `${path} is not listed in Release`);
  const digest = hexToDigest(listed.sha256);
  const file = join(cacheDir, 'indexes', listed.sha256);
  const cached = (await pathExists(file)) ? await hashFile(file) : undefined;
  if (cached?.digest !== digest || cached.size !== listed.size) {
    await fetcher.download(new URL(path, dirUrl).toString(), file, { expected: { digest, size: listed.size }, label: `${dirUrl}${path}` });
  }
  const open = release.files.get(path.replace(/\.(gz|xz)$/, ''));
  return { path, digest, size: listed.size, file, ...(open !== undefined ? { openSize: open.size } : {}) };
}

/** The package entries of an index file on disk (readIndexEntries), decompressing by its name, at most `maxBytes` of them. */
export function indexEntries(file: string, path: string, label: string, maxBytes?: number): AsyncGenerator<PackageEntry> {
  return readIndexEntries(decompressed(createReadStream(file, { highWaterMark: 1 << 18 }), compressionOf(path), label, maxBytes), label);
}

/** Streams the stanzas of an index file on disk, decompressing by its name, at most `maxBytes` of them. */
export function indexStanzas(file: string, path: string, label: string, maxBytes?: number): AsyncGenerator<string> {
  return readStanzas(decompressed(createReadStream(file, { highWaterMark: 1 << 18 }), compressionOf(path), label, maxBytes), label);
}
