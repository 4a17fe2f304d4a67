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

  /** Loads the cache; a missing or unreadable file is an empty cache. */
  static async load(file: string): Promise<DigestCache> {
    const previous = new Map<string, Digest>();
    try {
      const raw = JSON.parse(await readFile(file, 'utf8')) as unknown;
      if (typeof raw === 'object' && raw !== null) {
        for (const [key, value] of Object.entries(raw)) if (isDigest(value)) previous.set(key, value);
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
    await writeFileAtomic(this.file, JSON.stringify(Object.fromEntries(this.used)));
  }
}

function keyOf(f: FileIdentity): string {
  return JSON.stringify([f.abs, f.size, f.mtimeMs, f.ino]);
}
