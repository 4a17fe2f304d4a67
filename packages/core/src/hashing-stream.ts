import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { AirlockError } from './errors.js';
import { digestsEqual, type Digest } from './digest.js';

export interface ExpectedContent {
  /** Stop with SIZE_MISMATCH as soon as more bytes than this arrive, and at the end if fewer did. */
  size?: number;
  /** Checked when the stream ends; DIGEST_MISMATCH if it differs. */
  digest?: Digest;
  /** Names the content in error messages, e.g. a URL or a tar entry name. */
  label?: string;
}

/**
 * A pass-through that hashes and counts bytes. With `expected`, it fails the stream as soon as it
 * exceeds the declared size and, at the end, if the size or digest differ. Callers act on the bytes
 * only after the stream finished without error (verify, then move into place).
 */
export class HashingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private count = 0;
  private readonly expected: ExpectedContent;
  private result: Digest | undefined;

  constructor(expected: ExpectedContent = {}) {
    super();
    this.expected = expected;
  }

  get bytes(): number {
    return this.count;
  }

  /** The digest of everything that passed through; available after 'finish'/'end'. */
  get digest(): Digest {
    if (!this.result) throw new AirlockError('INTERNAL', 'digest read before the stream ended');
    return this.result;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.count += chunk.length;
    const { size, label } = this.expected;
    if (size !== undefined && this.count > size) {
      done(new AirlockError('SIZE_MISMATCH', `${label ?? 'content'} is longer than its declared ${size} bytes`, { details: { label, expected: size } }));
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    const { size, digest, label } = this.expected;
    if (size !== undefined && this.count !== size) {
      done(new AirlockError('SIZE_MISMATCH', `${label ?? 'content'} has ${this.count} bytes, expected ${size}`, { details: { label, expected: size, actual: this.count } }));
      return;
    }
    this.result = `sha256:${this.hash.digest('hex')}`;
    if (digest !== undefined && !digestsEqual(this.result, digest)) {
      done(new AirlockError('DIGEST_MISMATCH', `${label ?? 'content'} has digest ${this.result}, expected ${digest}`, { details: { label, expected: digest, actual: this.result } }));
      return;
    }
    done();
  }
}
