import { readFile } from 'node:fs/promises';
import { isDigest, writeFileAtomic, type Digest } from '@airlock/core';

/** Identifies a file's content without reading it: same path, size, mtime and inode means same bytes. */
export interface FileIdentity {
  abs: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

/**
 * Digests of local files from earlier runs, so re-exporting an unchanged tree does not re-hash it.
 * Saving keeps only the entries this run used, so the cache follows the tree instead of growing.
 */
export class DigestCache {
  private readonly used = new Map<string, Digest>();
  private changed = false;

  private constructor(
    private readonly file: string,
    private readonly previous: Map<string, Digest>,
  ) {}

  /** Loads the cache; a missing, unreadable or older-format file is an empty cache. */
  static async load(file: string): Promise<DigestCache> {
    const previous = new Map<string, Digest>();
    try {
      const raw = JSON.parse(await readFile(file, 'utf8')) as { version?: unknown; entries?: unknown };
      if (raw.version === CACHE_VERSION && Array.isArray(raw.entries)) {
        for (const pair of raw.entries as unknown[]) {
          if (Array.isArray(pair) && typeof pair[0] === 'string' && isDigest(pair[1])) previous.set(pair[0], pair[1]);
        }
      }
    } catch {
      // First run, or a damaged cache: hash everything again.
    }
    return new DigestCache(file, previous);
  }

  lookup(file: FileIdentity): Digest | undefined {
    const key = keyOf(file);
    const digest = this.previous.get(key);
    if (digest !== undefined) this.used.set(key, digest);
    return digest;
  }

  remember(file: FileIdentity, digest: Digest): void {
    this.used.set(keyOf(file), digest);
    this.changed = true;
  }

  async save(): Promise<void> {
    if (!this.changed && this.used.size === this.previous.size) return;
    // Pairs, not an object: 100,000s of keys make a slow dictionary object to build and write.
    await writeFileAtomic(this.file, JSON.stringify({ version: CACHE_VERSION, entries: [...this.used] }));
  }
}

/** Version 1 was an object keyed by JSON arrays; its digests are simply computed again once. */
const CACHE_VERSION = 2;

/** The path goes last: the numbers cannot contain the separator, so keys cannot collide. */
function keyOf(f: FileIdentity): string {
  return `${f.size}\t${f.mtimeMs}\t${f.ino}\t${f.abs}`;
}
