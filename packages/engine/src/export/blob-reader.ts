import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { AirlockError, digestHex, type Artifact, type Digest, type Fetcher, type Progress, type SettledStamp } from '@airlock/core';
import { mapConcurrent } from '@airlock/fetch';

/**
 * Gives the volume writer byte ranges of blobs. URL-sourced blobs are downloaded (verified) into the
 * export cache first, and only for the blobs this bundle carries.
 */
export class BlobReader {
  private readonly paths = new Map<Digest, string>();
  private readonly settled = new Map<Digest, SettledStamp>();

  constructor(
    private readonly blobs: Map<Digest, Artifact>,
    private readonly cacheRoot: string,
  ) {}

  async materialize(carried: Artifact[], fetcher: Fetcher, progress: Progress): Promise<void> {
    const remote = carried.filter((a) => a.source.kind !== 'file');
    for (const { digest, source } of carried) {
      if (source.kind !== 'file') continue;
      this.paths.set(digest, source.path);
      if (source.settled) this.settled.set(digest, source.settled);
    }
    if (remote.length === 0) return;
    const task = progress.task('downloading', remote.reduce((n, a) => n + a.size, 0), 'bytes');
    await mapConcurrent(remote, 4, async (artifact) => {
      const dest = join(this.cacheRoot, 'blobs', digestHex(artifact.digest));
      const onProgress = (newBytes: number): void => task.advance(newBytes);
      if (artifact.source.kind === 'url') {
        await fetcher.download(artifact.source.urls, dest, {
          expected: { digest: artifact.digest, size: artifact.size },
          label: artifact.label,
          ...(artifact.source.headers ? { headers: artifact.source.headers } : {}),
          onProgress,
        });
      } else if (artifact.source.kind === 'download') {
        await artifact.source.download(dest, onProgress);
      }
      this.paths.set(artifact.digest, dest);
    });
    task.done();
  }

  /** The local file holding a blob (for the volume writer to read directly). */
  pathOf(digest: Digest): string | undefined {
    return this.paths.get(digest);
  }

  /** The stamp a local file had when this run hashed it, if it had been still (see @airlock/core file-stamp.ts). */
  settledOf(digest: Digest): SettledStamp | undefined {
    return this.settled.get(digest);
  }

  async open(digest: Digest, offset: number, length: number): Promise<Readable> {
    const path = this.paths.get(digest);
    if (!path) throw new AirlockError('INTERNAL', `no local copy of ${this.blobs.get(digest)?.label ?? digest}`);
    if (length === 0) return Readable.from([]);
    return createReadStream(path, { start: offset, end: offset + length - 1, highWaterMark: 1 << 20 });
  }
}
