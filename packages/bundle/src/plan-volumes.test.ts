import { stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Digest } from '@airlock/core';
import { expectCodeSync, tempDir } from '@airlock/test-utils';
import type { Compression } from './manifest-types.js';
import { blobEntryName } from './names.js';
import { planVolumes, type PlannedVolume } from './plan-volumes.js';
import { verifyVolume } from './verify-volume.js';
import { TAR_END_OF_ARCHIVE, TAR_MAX_ENTRY_SIZE, tarEntryBytes } from './tar-layout.js';
import { encodeVolumeJson } from './volume-json.js';
import { MIN_VOLUME_SIZE, zstdWorstCase } from './volume-capacity.js';
import { noise, packBundle, text } from './__tests__/fixtures.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** mulberry32: a small seeded PRNG so every property run is reproducible. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fakeDigest = (i: number): Digest => `sha256:${i.toString(16).padStart(64, '0')}`;

/** Exact tar bytes of a planned volume, with volume.json written for the longest channel and id possible. */
function worstCaseTarBytes(volume: PlannedVolume): number {
  const channel = 'c'.repeat(64);
  const json = encodeVolumeJson({
    bundle: `${channel}-${'9'.repeat(15)}`, channel, sequence: Number.MAX_SAFE_INTEGER, number: volume.number,
    entries: volume.entries.map((e) => ({ name: blobEntryName(e.digest, e.part?.index), size: e.size })),
  });
  return tarEntryBytes(json.length) + volume.entries.reduce((sum, e) => sum + tarEntryBytes(e.size), 0) + TAR_END_OF_ARCHIVE;
}

/** Checks the planner's guarantees for one input; returns the plan. */
function checkPlan(blobs: { digest: Digest; size: number }[], maxVolumeSize: number, compression: Compression): PlannedVolume[] {
  const plan = planVolumes(blobs, { maxVolumeSize, compression });
  const emptyCapacity = planVolumes([{ digest: fakeDigest(0), size: 0 }], { maxVolumeSize, compression }).length;
  expect(emptyCapacity).toBe(1);
  plan.forEach((volume, i) => {
    expect(volume.number).toBe(i + 1);
    expect(volume.entries.length).toBeGreaterThan(0);
    const tar = worstCaseTarBytes(volume);
    expect(compression === 'zstd' ? zstdWorstCase(tar) : tar).toBeLessThanOrEqual(maxVolumeSize);
  });
  const entries = plan.flatMap((v) => v.entries);
  // Blob order is kept and every byte of every blob is covered exactly once.
  expect([...new Set(entries.map((e) => e.digest))]).toEqual(blobs.map((b) => b.digest));
  for (const blob of blobs) {
    const own = entries.filter((e) => e.digest === blob.digest);
    if (own.length === 1 && !own[0]!.part) {
      expect(own[0]!.size).toBe(blob.size);
      continue;
    }
    expect(own.length).toBeGreaterThanOrEqual(2);
    let offset = 0;
    own.forEach((e, index) => {
      expect(e.part).toEqual({ index, offset });
      expect(e.size).toBeGreaterThan(0);
      offset += e.size;
    });
    expect(offset).toBe(blob.size);
    // Only a blob that cannot fit an empty volume is split.
    expect(blob.size > TAR_MAX_ENTRY_SIZE || planVolumes([blob], { maxVolumeSize, compression }).length > 1).toBe(true);
  }
  return plan;
}

describe('planVolumes', () => {
  it('plans nothing for nothing', () => {
    expect(planVolumes([], { maxVolumeSize: MiB, compression: 'zstd' })).toEqual([]);
  });

  it('keeps small blobs together, starts a new volume for a blob that only fits an empty one', () => {
    const sizes = [10, 0, 100 * KiB, 100 * KiB, 5];
    const plan = checkPlan(sizes.map((size, i) => ({ digest: fakeDigest(i + 1), size })), 128 * KiB, 'none');
    expect(plan.map((v) => v.entries.map((e) => e.digest))).toEqual([[1, 2, 3], [4, 5]].map((v) => v.map(fakeDigest)));
    expect(plan.flatMap((v) => v.entries).every((e) => e.part === undefined)).toBe(true);
  });

  it('splits a blob larger than a volume, filling the current volume first when worth it', () => {
    const plan = checkPlan([{ digest: fakeDigest(1), size: 10 * KiB }, { digest: fakeDigest(2), size: 1 * MiB }], 256 * KiB, 'none');
    expect(plan[0]!.entries.map((e) => e.part?.index)).toEqual([undefined, 0]);
    expect(plan.length).toBe(5);
  });

  it('does not leave a sliver of a split blob in an almost full volume', () => {
    const plan = checkPlan([{ digest: fakeDigest(1), size: 240 * KiB }, { digest: fakeDigest(2), size: 1 * MiB }], 256 * KiB, 'none');
    expect(plan[0]!.entries).toHaveLength(1);
    expect(plan[1]!.entries[0]!.part).toEqual({ index: 0, offset: 0 });
  });

  it('refuses a maximum volume size too small to hold anything', () => {
    expectCodeSync(() => planVolumes([], { maxVolumeSize: MIN_VOLUME_SIZE - 1, compression: 'none' }), 'VOLUME_TOO_LARGE');
    expectCodeSync(() => planVolumes([], { maxVolumeSize: 1.5 * MiB + 0.5, compression: 'zstd' }), 'VOLUME_TOO_LARGE');
  });

  it('refuses the same blob twice and impossible sizes', () => {
    expectCodeSync(() => planVolumes([{ digest: fakeDigest(1), size: 1 }, { digest: fakeDigest(1), size: 1 }], { maxVolumeSize: MiB, compression: 'none' }), 'INTERNAL');
    expectCodeSync(() => planVolumes([{ digest: fakeDigest(1), size: -1 }], { maxVolumeSize: MiB, compression: 'none' }), 'INTERNAL');
  });

  it('splits entries that a ustar size field cannot hold, even in huge volumes', () => {
    const plan = checkPlan([{ digest: fakeDigest(1), size: 20 * 1024 * MiB }], 100 * 1024 * MiB, 'none');
    expect(plan).toHaveLength(1);
    expect(plan[0]!.entries.length).toBe(3);
  });

  it('keeps every volume within the limit for random inputs (property)', () => {
    const next = random(20240101);
    for (let run = 0; run < 300; run++) {
      const maxVolumeSize = MIN_VOLUME_SIZE + Math.floor(next() * 8 * MiB);
      const compression: Compression = next() < 0.5 ? 'zstd' : 'none';
      const count = Math.floor(next() * 40);
      const blobs = Array.from({ length: count }, (_, i) => {
        const kind = next();
        const size = kind < 0.3 ? Math.floor(next() * 2000) : kind < 0.8 ? Math.floor(next() * maxVolumeSize) : Math.floor(next() * 5 * maxVolumeSize);
        return { digest: fakeDigest(i + 1), size };
      });
      checkPlan(blobs, maxVolumeSize, compression);
    }
  });
});

describe('written volumes stay within maxVolumeSize', () => {
  it.each<[Compression, number]>([
    ['zstd', 1],
    ['zstd', 2],
    ['none', 0],
  ])('random incompressible and compressible blobs with %s (threads %i)', async (compression, threads) => {
    const next = random(7 + threads);
    for (let run = 0; run < 4; run++) {
      const dir = await tempDir();
      const maxVolumeSize = MIN_VOLUME_SIZE + Math.floor(next() * 256 * KiB);
      const blobs = Array.from({ length: 2 + Math.floor(next() * 8) }, (_, i) => {
        const size = Math.floor(next() * 2.5 * maxVolumeSize);
        return next() < 0.75 ? noise(size, run * 100 + i) : text(size, run * 100 + i);
      });
      const bundle = await packBundle(dir, blobs, { compression, maxVolumeSize, threads });
      for (const volume of bundle.manifest.volumes) {
        const info = await stat(bundle.pathOf(volume));
        expect(info.size).toBe(volume.size);
        expect(info.size).toBeLessThanOrEqual(maxVolumeSize);
        await verifyVolume(bundle.pathOf(volume), bundle.manifest, volume);
      }
    }
  });
});
