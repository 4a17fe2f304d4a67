import zstd from 'zstd-napi/binding.js';
import { AirlockError, asAirlockError } from '@airlock/core';

/**
 * Caps the decompression window at 8 MiB (windowLog 23, what levels up to 19 use), so a hostile
 * frame cannot make the reader reserve the 128 MiB zstd otherwise allows.
 */
const WINDOW_LOG_MAX = 23;
const OUT_CHUNK = zstd.dStreamOutSize();

/**
 * Streaming zstd decompression that hands out at most one output buffer at a time, so the caller's
 * backpressure bounds memory even for a decompression bomb (zstd-napi's DecompressStream pushes a
 * whole input chunk's output at once, and a few KiB can expand to gigabytes).
 */
export class ZstdDecoder {
  private readonly dctx = new zstd.DCtx();
  private inFrame = false;

  constructor() {
    this.dctx.setParameter(zstd.DParameter.windowLogMax, WINDOW_LOG_MAX);
  }

  /** Decompresses one input chunk (attacker-controlled), yielding output pieces one by one. */
  *decode(input: Buffer): Generator<Buffer> {
    let src = input;
    for (;;) {
      const dst = Buffer.allocUnsafe(OUT_CHUNK);
      let result: [number, number, number];
      try {
        result = this.dctx.decompressStream(dst, src);
      } catch (err) {
        throw asAirlockError(err, 'VOLUME_CORRUPT', 'the volume is not valid zstd data; it is damaged, copy it again from the source media');
      }
      const [ret, produced, consumed] = result;
      src = src.subarray(consumed);
      this.inFrame = ret !== 0;
      if (produced === 0 && consumed === 0 && src.length > 0) throw new AirlockError('VOLUME_CORRUPT', 'the zstd data of the volume makes no progress; it is damaged');
      if (produced > 0) yield dst.subarray(0, produced);
      if (src.length === 0 && produced < dst.length) return;
    }
  }

  /** Call at the end of input: a frame left open means the file was cut short. */
  end(): void {
    if (this.inFrame) throw new AirlockError('VOLUME_TRUNCATED', 'the volume ends in the middle of its zstd data; it was cut short, copy it again');
  }
}
