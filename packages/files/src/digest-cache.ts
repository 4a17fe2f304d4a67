import { readFile } from 'node:fs/promises';
import { isDigest, sameStamp, writeFileAtomic, type Digest, type FileStamp } from '@airlock/core';

/** Identifies a file's content without reading it: same path, size, mtime and inode means same bytes. */
export interface FileIdentity extends FileStamp {
  abs: string;
}

interface Remembered extends FileStamp {
  digest: Digest;
}

/**
 * Digests of local files from earlier runs, so re-exporting an unchanged tree does not re-hash it.
 * Saving keeps only the entries this run used, so the cache follows the tree instead of growing.
 */
export class DigestCache {
  private readonly used = new Map<string, Remembered>();
  private changed = false;

  private constructor(
    private readonly file: string,
    private readonly previous: Map<string, Remembered>,
  ) {}

  /** Loads the cache; a missing, unreadable or older-format file is an empty cache. */
  static async load(file: string): Promise<DigestCache> {
    const previous = new Map<string, Remembered>();
    try {
      const raw = JSON.parse(await readFile(file, 'utf8')) as { version?: unknown; entries?: unknown };
      if (raw.version === CACHE_VERSION && Array.isArray(raw.entries)) {
        for (const row of raw.entries as unknown[]) {
          const entry = rowToEntry(row);
          if (entry) previous.set(entry[0], entry[1]);
        }
      }
    } catch {
      // First run, or a damaged cache: hash everything again.
    }
    return new DigestCache(file, previous);
  }

  /** The stamp a digest of `abs` is known under, to compare with the file once it is opened. */
  stampOf(abs: string): FileStamp | undefined {
    const known = this.previous.get(abs);
    return known && { size: known.size, mtimeMs: known.mtimeMs, ino: known.ino };
  }

  lookup(file: FileIdentity): Digest | undefined {
    const known = this.previous.get(file.abs);
    if (known === undefined || !sameStamp(known, file)) return undefined;
    this.used.set(file.abs, known);
    return known.digest;
  }

  remember(file: FileIdentity, digest: Digest): void {
    this.used.set(file.abs, { size: file.size, mtimeMs: file.mtimeMs, ino: file.ino, digest });
    this.changed = true;
  }

  async save(): Promise<void> {
    if (!this.changed && this.used.size === this.previous.size) return;
    // Rows, not an object: 100,000s of keys make a slow dictionary object to build and write.
    const rows = [...this.used].map(([abs, r]) => [abs, r.size, r.mtimeMs, r.ino, r.digest]);
    await writeFileAtomic(this.file, JSON.stringify({ version: CACHE_VERSION, entries: rows }));
  }
}

/** Version 2 keyed size, mtime, inode and path in one string; its digests are simply computed again once. */
const CACHE_VERSION = 3;

function rowToEntry(row: unknown): [string, Remembered] | undefined {
  if (!Array.isArray(row) || row.length !== 5) return undefined;
  const [abs, size, mtimeMs, ino, digest] = row as unknown[];
  if (typeof abs !== 'string' || typeof size !== 'number' || typeof mtimeMs !== 'number' || typeof ino !== 'number' || !isDigest(digest)) return undefined;
  return [abs, { size, mtimeMs, ino, digest }];
}
