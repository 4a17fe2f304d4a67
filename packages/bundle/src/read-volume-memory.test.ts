import { createCipheriv, createHash } from 'node:crypto';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { CompressStream } from 'zstd-napi';
import type { Digest } from '@airlock/core';
import { expectCode, tempDir } from '@airlock/test-utils';
import type { Compression } from './manifest-types.js';
import { readVolume } from './read-volume.js';
import { writeVolume } from './write-volume.js';
import { CHANNEL, ID, SEQUENCE, digestOf, hostileVolume, manifestWith } from './__tests__/fixtures.js';
import { blobName, volumeJsonEntry } from './__tests__/hostile-tar.js';

const MiB = 1 << 20;
const BLOB_SIZE = 200 * MiB;

/** 200 MiB of incompressible bytes, generated as a stream so the test itself holds none of it. */
function noiseStream(size: number): Readable {
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16));
  const zeros = Buffer.alloc(MiB);
  let left = size;
  return new Readable({
    read() {
      if (left === 0) return void this.push(null);
      const n = Math.min(MiB, left);
      left -= n;
      this.push(cipher.update(zeros.subarray(0, n)));
    },
  });
}

async function digestOfStream(stream: Readable): Promise<Digest> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

// The garbage of writing the test volume would otherwise hide the reader's own use of memory.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Samples RSS while `work` runs and returns the largest growth over a start after garbage collection. */
async function rssGrowth(work: () => Promise<void>): Promise<number> {
  collectGarbage();
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage().rss) - start;
}

describe('bounded memory', () => {
  it.each<Compression>(['zstd', 'none'])('reads a 200 MiB %s blob into a slow consumer without buffering it', async (compression) => {
    const dir = await tempDir();
    const digest = await digestOfStream(noiseStream(BLOB_SIZE));
    const written = await writeVolume({
      dir, bundleId: ID, channel: CHANNEL, sequence: SEQUENCE, number: 1, compression, threads: 2,
      entries: [{ digest, size: BLOB_SIZE }], open: async () => noiseStream(BLOB_SIZE), expectedDigest: (d) => d,
    });
    const manifest = manifestWith({
      compression, blobs: [{ digest, size: BLOB_SIZE }],
      volumes: [{ number: 1, name: written.name, size: written.size, sha256: written.sha256, entries: [{ digest }] }],
    });
    const volume = manifest.volumes[0]!;
    let received = 0;
    let read = 0;
    let maxLag = 0;
    const growth = await rssGrowth(() => readVolume({
      path: join(dir, written.name), manifest, volume,
      onProgress: (n) => {
        read += n;
        maxLag = Math.max(maxLag, read - received);
      },
      onEntry: (e) => pipeline(e.stream, new Writable({
        highWaterMark: 64 * 1024,
        write(chunk: Buffer, _enc, done) {
          const before = received;
          received += chunk.length;
          // A consumer slower than the reader: 2 ms for every MiB (under 500 MB/s).
          if (Math.floor(received / MiB) > Math.floor(before / MiB)) void sleep(2).then(() => done());
          else done();
        },
      })),
    }));
    expect(received).toBe(BLOB_SIZE);
    if (process.env.AIRLOCK_SHOW_MEMORY) console.log(`${compression}: RSS grew by ${(growth / MiB).toFixed(1)} MiB, reader ran ${(maxLag / MiB).toFixed(1)} MiB ahead`);
    // How far the file reader ever ran ahead of the consumer: what is buffered in between.
    expect(maxLag, `reader ran ${(maxLag / MiB).toFixed(1)} MiB ahead of the consumer`).toBeLessThan(8 * MiB);
    expect(growth, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`).toBeLessThan(64 * MiB);
  });

  it('stops a zstd bomb without inflating it', async () => {
    const dir = await tempDir();
    const zeros = Buffer.alloc(MiB);
    let left = 1024;
    const bomb: Buffer[] = [];
    await pipeline(
      Readable.from((function* () {
        yield volumeJsonEntry([{ name: blobName(digestOf(Buffer.from('x'))), size: 1 }]);
        while (left-- > 0) yield zeros;
      })()),
      new CompressStream({ compressionLevel: 1 }),
      new Writable({ write(chunk: Buffer, _e, done) { bomb.push(chunk); done(); } }),
    );
    const bytes = Buffer.concat(bomb);
    expect(bytes.length).toBeLessThan(MiB);
    const { path, manifest, volume } = await hostileVolume(dir, bytes, { compression: 'zstd', blobs: [{ digest: digestOf(Buffer.from('x')), size: 1 }], entries: [{ digest: digestOf(Buffer.from('x')) }] });
    const growth = await rssGrowth(() => expectCode(readVolume({ path, manifest, volume, onEntry: async () => undefined }), 'VOLUME_TRUNCATED').then(() => undefined));
    expect(growth, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`).toBeLessThan(64 * MiB);
  });
});
