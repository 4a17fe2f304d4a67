import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectOnlyCodedErrors, mutatedBytes, resealTarHeaders } from '@airlock/test-utils';
import { streamEntrySink, type EntryStream } from './entry-stream.js';
import { decodeTarHeader, encodeTarHeader } from './tar-header.js';
import { VolumeTarReader } from './tar-reader.js';
import type { ExpectedEntry } from './volume-json.js';
import { digestOf, noise } from './__tests__/fixtures.js';
import { END, blobName, rawEntry, volumeJsonFor } from './__tests__/hostile-tar.js';

// Fuzzing of the tar layer beside its code: single header blocks, and the strict volume tar
// reader fed in arbitrary chunk sizes (a header, the volume.json or an entry split anywhere),
// which reading whole small volume files never does.

const BLOBS = [noise(700, 1), noise(1024, 2), Buffer.alloc(0), noise(5000, 3)];
const ENTRIES: ExpectedEntry[] = BLOBS.map((b) => ({ name: blobName(digestOf(b)), digest: digestOf(b), expected: { digest: digestOf(b), size: b.length } }));
const VOLUME_JSON = volumeJsonFor(ENTRIES.map((e) => ({ name: e.name, size: e.expected.size })));
const TAR = Buffer.concat([rawEntry({ name: 'volume.json', size: VOLUME_JSON.length }, VOLUME_JSON), ...BLOBS.map((b, i) => rawEntry({ name: ENTRIES[i]!.name, size: b.length }, b)), END]);
const HEADER_FIELDS = [[0, 100], [100, 8], [124, 12], [148, 8], [156, 1], [157, 100], [257, 8], [345, 155]] as const;

function cut(bytes: Buffer, points: number[]): Buffer[] {
  const at = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let last = 0;
  for (const p of [...at, bytes.length]) {
    if (p > last) out.push(bytes.subarray(last, p));
    last = p;
  }
  return out;
}

/** Feeds `chunks` to a reader whose consumer hashes each entry; returns the digests it received. */
async function readTar(chunks: Buffer[], consumer: 'hash' | 'skip'): Promise<string[]> {
  const got: string[] = [];
  const onEntry = async (e: EntryStream): Promise<void> => {
    if (consumer === 'skip') return;
    const hash = createHash('sha256');
    for await (const c of e.stream) hash.update(c as Buffer);
    got.push(`sha256:${hash.digest('hex')}`);
  };
  const reader = new VolumeTarReader(VOLUME_JSON, ENTRIES, (info) => streamEntrySink(info, onEntry));
  try {
    // Every chunk is its own buffer, never reused: nothing needs keeping.
    for (const c of chunks) await reader.write(c, () => {});
    reader.end();
  } catch (err) {
    reader.abort(err);
    throw err;
  }
  return got;
}

describe('fuzz: tar layer', () => {
  it('decodeTarHeader over corrupted fields of real headers gives only coded errors, and accepts only plain short names', async () => {
    const seeds = ['volume.json', ENTRIES[0]!.name, `${ENTRIES[1]!.name}.part-3`].map((n) => encodeTarHeader(n, 1234));
    // Half the cases get their checksum recomputed, so the field checks behind it are reached.
    const block = fc.tuple(mutatedBytes(seeds, { hotspots: HEADER_FIELDS, maxOps: 3 }), fc.boolean()).map(([b, reseal]) => {
      const one = Buffer.concat([b, Buffer.alloc(512)]).subarray(0, 512);
      return reseal ? resealTarHeaders(one) : one;
    });
    await expectOnlyCodedErrors(block, (block) => {
      const h = decodeTarHeader(block);
      if (!/^[\x21-\x7e]{0,100}$/.test(h.name) || h.typeflag !== '0' || !Number.isSafeInteger(h.size) || h.size < 0) throw new Error(`accepted ${JSON.stringify(h)}`);
    }, { target: 'decodeTarHeader', numRuns: 1000, codes: ['VOLUME_CORRUPT', 'TAR_ENTRY_INVALID'] });
  });

  it('an intact volume tar is read identically however it is cut into chunks', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.nat(), { maxLength: 20 }), async (points) => {
      expect(await readTar(cut(TAR, points), 'hash')).toEqual(ENTRIES.map((e) => e.digest));
    }), { numRuns: Number(process.env.AIRLOCK_FUZZ_RUNS ?? 300) });
  });

  it('VolumeTarReader over mutated tars in arbitrary chunks gives only coded errors', async () => {
    const tar = fc.tuple(mutatedBytes(TAR, { hotspots: [[0, 512], [512, 512], [1536, 512]], maxOps: 3 }), fc.boolean()).map(([t, reseal]) => (reseal ? resealTarHeaders(t) : t));
    const input = fc.record({ tar, points: fc.array(fc.nat(), { maxLength: 12 }), consumer: fc.constantFrom<'hash' | 'skip'>('hash', 'skip') });
    await expectOnlyCodedErrors(input, async ({ tar, points, consumer }) => {
      const got = await readTar(cut(tar, points), consumer);
      // What the reader hands out always has the size the manifest declares (the digest is checked by the consumer's HashingStream in real use).
      if (consumer === 'hash' && got.length !== ENTRIES.length) throw new Error(`an accepted volume delivered ${got.length} of ${ENTRIES.length} entries`);
    }, { target: 'VolumeTarReader/chunks', numRuns: 800 });
  });
});
