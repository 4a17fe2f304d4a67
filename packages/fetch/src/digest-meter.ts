import { Transform, type TransformCallback } from 'node:stream';
import { AirlockError, type Digest, type DigestSet } from '@airlock/core';

/**
 * Like core's HashingStream, but continues digests that already cover the bytes of a partial file,
 * so a resumed download is verified over the whole file in one pass. Fails as soon as the file
 * would grow past `limit`.
 */
export class DigestMeter extends Transform {
  constructor(
    private readonly digests: DigestSet,
    private offset: number,
    private readonly limit: number | undefined,
    private readonly label: string,
    private readonly onPosition: (position: number) => void,
  ) {
    super();
  }

  /** Bytes of the whole file so far: the resumed prefix plus what streamed through. */
  get position(): number {
    return this.offset;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.offset += chunk.length;
    if (this.limit !== undefined && this.offset > this.limit) {
      done(new AirlockError('SIZE_MISMATCH', `${this.label} is longer than its expected ${this.limit} bytes`, { details: { label: this.label, expected: this.limit } }));
      return;
    }
    this.digests.update(chunk);
    this.onPosition(this.offset);
    done(null, chunk);
  }

  /** Call once, after the stream finished. */
  digest(): Digest {
    return this.digests.digest();
  }

  /** Hex of the further digests (DownloadOptions.alsoHash), by algorithm; call once, after the stream finished. */
  also(): Record<string, string> {
    return this.digests.hex();
  }
}
