import type { Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { AirlockError, type Digest } from '@airlock/core';

/**
 * Like core's HashingStream, but continues a hash that already covers the bytes of a partial file,
 * so a resumed download is verified over the whole file in one pass. Fails as soon as the file
 * would grow past `limit`.
 */
export class DigestMeter extends Transform {
  constructor(
    private readonly hash: Hash,
    /** Further digests over the same bytes (DownloadOptions.alsoHash), each continued like `hash`. */
    private readonly extra: Map<string, Hash>,
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
    this.hash.update(chunk);
    for (const h of this.extra.values()) h.update(chunk);
    this.onPosition(this.offset);
    done(null, chunk);
  }

  /** Call once, after the stream finished. */
  digest(): Digest {
    return `sha256:${this.hash.digest('hex')}`;
  }

  /** Hex of the further digests, by algorithm; call once, after the stream finished. */
  also(): Record<string, string> {
    return Object.fromEntries([...this.extra].map(([algorithm, h]) => [algorithm, h.digest('hex')]));
  }
}
