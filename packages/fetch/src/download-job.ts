import { AirlockError, digestsEqual, type Digest } from '@airlock/core';
import { PartialFile, type ExpectedBody } from './partial-file.js';

/** The state one download keeps across its attempts and mirrors. */
export class DownloadJob {
  readonly partial: PartialFile;
  /** The furthest position any attempt reached; progress is reported against it, so it never goes back. */
  highWater = 0;
  /** Set when the current attempt extended bytes left by an earlier attempt or run. */
  resumed = false;

  constructor(
    dest: string,
    readonly expected: ExpectedBody,
    readonly headers: Record<string, string>,
    readonly label: string,
    private readonly onProgress: ((bytes: number) => void) | undefined,
    /** DownloadOptions.alsoHash: further digests computed over the bytes. */
    readonly alsoHash: readonly string[] = [],
  ) {
    this.partial = new PartialFile(dest);
  }

  reportPosition(position: number): void {
    if (position <= this.highWater) return;
    const delta = position - this.highWater;
    this.highWater = position;
    this.onProgress?.(delta);
  }

  /** Checks a finished body against what was expected: size first, then digest. */
  verify(size: number, digest: Digest): void {
    const { expected, label } = this;
    if (expected.size !== undefined && size !== expected.size) {
      throw new AirlockError('SIZE_MISMATCH', `${label} has ${size} bytes, expected ${expected.size}`, { details: { label, expected: expected.size, actual: size } });
    }
    if (expected.digest !== undefined && !digestsEqual(digest, expected.digest)) {
      throw new AirlockError('DIGEST_MISMATCH', `${label} has digest ${digest}, expected ${expected.digest}; the upstream file differs from what was pinned`, {
        details: { label, expected: expected.digest, actual: digest },
      });
    }
  }
}
