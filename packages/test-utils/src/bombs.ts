import { spawnSync } from 'node:child_process';
import { createGzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { CompressStream } from 'zstd-napi';

const MiB = 1 << 20;

/** `size` bytes of `fill` repeated, generated as a stream so the test itself holds none of it. */
export function repeated(size: number, fill: Buffer | string = Buffer.alloc(MiB)): Readable {
  const block = Buffer.isBuffer(fill) ? fill : Buffer.from(fill);
  let left = size;
  return new Readable({
    read() {
      if (left === 0) return void this.push(null);
      const n = Math.min(block.length, left);
      left -= n;
      this.push(block.subarray(0, n));
    },
  });
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A real zstd bomb: `size` bytes of `fill` (default zeros) at level 19 (512 MiB of zeros is 16 KiB). */
export function zstdBomb(size: number, fill?: Buffer | string): Promise<Buffer> {
  return collect(repeated(size, fill).pipe(new CompressStream({ compressionLevel: 19 })));
}

/** A real gzip bomb: `size` bytes of `fill` (default zeros) at level 9 (about 1000:1 for zeros). */
export function gzipBomb(size: number, fill?: Buffer | string): Promise<Buffer> {
  return collect(repeated(size, fill).pipe(createGzip({ level: 9 })));
}

/** A real xz bomb of zeros, made by the xz tool. */
export function xzBomb(size: number): Buffer {
  const made = spawnSync('sh', ['-c', `head -c ${size} /dev/zero | xz -1 -c`], { maxBuffer: 64 * MiB });
  if (made.status !== 0) throw new Error(`xz failed: ${made.stderr.toString()}`);
  return made.stdout;
}
