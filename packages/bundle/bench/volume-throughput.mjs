// Measures writeVolume and verifyVolume throughput on one random blob.
// Usage (after `npx tsc -b packages/bundle`): node packages/bundle/bench/volume-throughput.mjs [MiB]
import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { verifyVolume, writeVolume } from '../dist/index.js';

const MiB = 1 << 20;
const size = Number(process.argv[2] ?? 256) * MiB;
const dir = await mkdtemp(join(tmpdir(), 'airlock-bench-'));
try {
  const blobPath = join(dir, 'blob');
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, 3), Buffer.alloc(16));
  const hash = createHash('sha256');
  await pipeline(Readable.from((function* () {
    const zeros = Buffer.alloc(MiB);
    for (let done = 0; done < size; done += MiB) {
      const chunk = cipher.update(zeros);
      hash.update(chunk);
      yield chunk;
    }
  })()), createWriteStream(blobPath));
  const digest = `sha256:${hash.digest('hex')}`;

  for (const compression of ['zstd', 'none']) {
    const start = performance.now();
    const written = await writeVolume({
      dir, bundleId: 'bench-000001', channel: 'bench', sequence: 1, number: 1, compression,
      entries: [{ digest, size }],
      open: async (_d, offset, length) => createReadStream(blobPath, { start: offset, end: offset + length - 1, highWaterMark: MiB }),
      expectedDigest: (d) => d,
    });
    const writeSeconds = (performance.now() - start) / 1000;
    const manifest = {
      id: 'bench-000001', channel: 'bench', sequence: 1, compression,
      blobs: [{ digest, size }],
      volumes: [{ number: 1, name: written.name, size: written.size, sha256: written.sha256, entries: [{ digest }] }],
    };
    const readStart = performance.now();
    await verifyVolume(join(dir, written.name), manifest, manifest.volumes[0]);
    const readSeconds = (performance.now() - readStart) / 1000;
    const mb = size / 1e6;
    console.log(`${compression.padEnd(4)} ${(size / MiB).toFixed(0)} MiB: write ${(mb / writeSeconds).toFixed(0)} MB/s, read+verify ${(mb / readSeconds).toFixed(0)} MB/s, file ${(written.size / MiB).toFixed(1)} MiB`);
    await rm(join(dir, written.name));
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
