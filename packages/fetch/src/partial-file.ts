import { readFile, rm, stat } from 'node:fs/promises';
import { commitFile, DigestSet, isDigest, writeFileAtomic, type Digest } from '@airlock/core';

/** What we know about the bytes in a partial file; lets a later attempt or run resume safely. */
export interface PartialMeta {
  url: string;
  digest?: Digest;
  size?: number;
  etag?: string;
  lastModified?: string;
}

export interface ExpectedBody {
  digest?: Digest;
  size?: number;
}

/** `${dest}.partial` plus a small `.partial.json` describing where its bytes came from. */
export class PartialFile {
  readonly path: string;
  private readonly metaPath: string;

  constructor(readonly dest: string) {
    this.path = `${dest}.partial`;
    this.metaPath = `${dest}.partial.json`;
  }

  async size(): Promise<number> {
    try {
      const info = await stat(this.path);
      return info.isFile() ? info.size : 0;
    } catch {
      return 0;
    }
  }

  async readMeta(): Promise<PartialMeta | undefined> {
    try {
      const raw = JSON.parse(await readFile(this.metaPath, 'utf8')) as Record<string, unknown>;
      if (typeof raw.url !== 'string') return undefined;
      const meta: PartialMeta = { url: raw.url };
      if (isDigest(raw.digest)) meta.digest = raw.digest;
      if (typeof raw.size === 'number') meta.size = raw.size;
      if (typeof raw.etag === 'string') meta.etag = raw.etag;
      if (typeof raw.lastModified === 'string') meta.lastModified = raw.lastModified;
      return meta;
    } catch {
      return undefined;
    }
  }

  async writeMeta(meta: PartialMeta): Promise<void> {
    await writeFileAtomic(this.metaPath, JSON.stringify(meta));
  }

  async discard(): Promise<void> {
    await rm(this.path, { force: true });
    await rm(this.metaPath, { force: true });
  }

  /** Moves the verified partial file to `dest`. */
  async commit(): Promise<void> {
    await commitFile(this.path, this.dest);
    await rm(this.metaPath, { force: true });
  }

  /**
   * Hashes the first `length` bytes already on disk (sha256 and each of `also`), streaming, so
   * appended bytes extend the same hashes.
   */
  async hashPrefix(length: number, also: readonly string[] = []): Promise<DigestSet> {
    const digests = new DigestSet(also);
    await digests.updateFromFile(this.path, length);
    return digests;
  }
}

/** A strong ETag, else Last-Modified: what If-Range may carry (weak ETags are not allowed there). */
export function rangeValidator(meta: PartialMeta | undefined): string | undefined {
  if (meta?.etag !== undefined && !meta.etag.startsWith('W/')) return meta.etag;
  return meta?.lastModified;
}

/**
 * Whether bytes in the partial file may be extended. With an expected digest any source will do,
 * because the final check catches a bad prefix. Without one, only the same URL with a validator
 * (sent as If-Range) proves the prefix belongs to the file the server has now.
 */
export function canResume(meta: PartialMeta | undefined, url: string, expected: ExpectedBody): boolean {
  if (meta?.digest !== undefined && meta.digest !== expected.digest) return false;
  if (meta?.size !== undefined && expected.size !== undefined && meta.size !== expected.size) return false;
  if (expected.digest !== undefined) return true;
  return meta?.url === url && rangeValidator(meta) !== undefined;
}
