import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Digest } from './digest.js';

/** sha256 and further digests (node:crypto names such as `sha3-384`) over the same bytes, fed once. */
export class DigestSet {
  private readonly sha256 = createHash('sha256');
  private readonly others: Array<[string, Hash]>;

  constructor(also: readonly string[] = []) {
    this.others = also.map((algorithm) => [algorithm, createHash(algorithm)]);
  }

  update(chunk: Buffer): void {
    this.sha256.update(chunk);
    for (const [, hash] of this.others) hash.update(chunk);
  }

  /** Feeds the file at `path` (its first `length` bytes when given), streaming; returns the bytes read. */
  async updateFromFile(path: string, length?: number): Promise<number> {
    if (length === 0) return 0;
    let size = 0;
    const range = length === undefined ? {} : { start: 0, end: length - 1 };
    for await (const chunk of createReadStream(path, { ...range, highWaterMark: 1 << 20 })) {
      const buf = chunk as Buffer;
      size += buf.length;
      this.update(buf);
    }
    return size;
  }

  /** Call once, after the last update. */
  digest(): Digest {
    return `sha256:${this.sha256.digest('hex')}`;
  }

  /** Hex of the further digests, by algorithm; call once, after the last update. */
  hex(): Record<string, string> {
    return Object.fromEntries(this.others.map(([algorithm, hash]) => [algorithm, hash.digest('hex')]));
  }
}
