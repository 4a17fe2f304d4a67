import zstd from 'zstd-napi/binding.js';
import { AirlockError, asAirlockError } from '@airlock/core';

/**
 * Caps the decompression window at 8 MiB (windowLog 23, what levels up to 19 use), so a hostile
 * frame cannot make the reader reserve the 128 MiB zstd otherwise allows.
 */
const WINDOW_LOG_MAX = 23;
const OUT_CHUNK = zstd.dStreamOutSize();

/** How a decoder reports bad input; the bundle reader and the drivers word it for their operators. */
export interface ZstdErrors {
  /** The data is not zstd, or is damaged (`cause` is zstd's own error, if any). */
  corrupt(cause?: unknown): AirlockError;
  /** The input ended inside a frame. */
  truncated(): AirlockError;
}

/** Errors for upstream metadata: UPSTREAM_INVALID naming `label`. */
export function upstreamZstdErrors(label: string): ZstdErrors {
  return {
    corrupt: (cause) => asAirlockError(cause ?? new Error('no progress'), 'UPSTREAM_INVALID', `${label} is not valid zstd data; the upstream file is damaged or was tampered with`),
    truncated: () => new AirlockError('UPSTREAM_INVALID', `${label} ends in the middle of its zstd data; the upstream file was cut short`),
  };
}

/**
 * Streaming zstd decompression that hands out at most one output buffer at a time, so the caller's
 * backpressure bounds memory even for a decompression bomb (zstd-napi's DecompressStream pushes a
 * whole input chunk's output at once, and a few KiB can expand to gigabytes).
 */
export class ZstdDecoder {
  private readonly dctx = new zstd.DCtx();
  private inFrame = false;

  constructor(private readonly errors: ZstdErrors) {
    this.dctx.setParameter(zstd.DParameter.windowLogMax, WINDOW_LOG_MAX);
  }

  /** Decompresses one input chunk (attacker-controlled), yielding output pieces one by one. */
  *decode(input: Buffer): Generator<Buffer> {
    let src = input;
    for (;;) {
      const dst = Buffer.allocUnsafe(OUT_CHUNK);
      const [ret, produced, consumed] = this.step(dst, src);
      src = src.subarray(consumed);
      if (produced > 0) yield dst.subarray(0, produced);
      // A frame that ends exactly at a full output buffer is complete (ret 0): calling again with no
      // input would start waiting for a next frame's header and make a whole volume look cut short.
      if (src.length === 0 && (produced < dst.length || ret === 0)) return;
    }
  }

  /**
   * Decompresses from `src` into `dst` (both caller-owned, so a reader can reuse its buffers),
   * producing at most `dst.length` bytes. `pending`: the output filled `dst` and the decoder may
   * hold more, so call again even when `src` is used up; otherwise call again only with more input
   * (an extra call without input after a frame's end would wait for another frame's header).
   */
  decodeInto(dst: Buffer, src: Buffer): { produced: number; consumed: number; pending: boolean } {
    const [ret, produced, consumed] = this.step(dst, src);
    return { produced, consumed, pending: ret !== 0 && produced === dst.length };
  }

  /** One decompressStream call: [ret, produced, consumed]; a call that can make no progress is corrupt input. */
  private step(dst: Buffer, src: Buffer): [number, number, number] {
    let result: [number, number, number];
    try {
      result = this.dctx.decompressStream(dst, src);
    } catch (err) {
      throw this.errors.corrupt(err);
    }
    const [ret, produced, consumed] = result;
    this.inFrame = ret !== 0;
    if (produced === 0 && consumed === 0 && src.length > 0) throw this.errors.corrupt();
    return result;
  }

  /** Call at the end of input: a frame left open means the input was cut short. */
  end(): void {
    if (this.inFrame) throw this.errors.truncated();
  }
}
