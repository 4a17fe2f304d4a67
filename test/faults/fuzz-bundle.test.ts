import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compress, decompress } from 'zstd-napi';
import { HashingStream } from '@airlock/core';
import { readManifest, readVolume, validateManifest, type EntryStream, type Manifest, type ManifestVolume } from '@airlock/bundle';
import { expectOnlyCodedErrors, mutatedBytes, mutatedJson, mutatedText, resealTarHeaders, suiteDir } from '@airlock/test-utils';
import { exportRealBundle, tarHotspots, type RealBundle } from './support/real-bundle.js';

// Fuzzing of what a site reads from media before and after the signature check: the manifest
// (validated even though it is signed) and the volumes (parsed while streaming). Seeds come from
// a real `airlock export`; the fuzzer's manifest claims each mutated volume's size and sha256,
// as a hostile but trusted exporter could, so every case reaches the tar reader.

let work: { path: string; remove(): Promise<void> };
let plain: RealBundle;
let zstd: RealBundle;
let caseNo = 0;

beforeAll(async () => {
  work = await suiteDir('airlock-fuzz-bundle-');
  [plain, zstd] = await Promise.all([exportRealBundle(join(work.path, 'none'), 'none'), exportRealBundle(join(work.path, 'zstd'), 'zstd')]);
});
afterAll(() => work.remove());

const acceptAnySignature = (bundle: RealBundle) => async () => ({ fingerprint: bundle.fingerprint });

/** Writes the case to its own file so a reader never sees a file another case is writing. */
async function caseFile(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(work.path, `case-${caseNo++}-${name}`);
  await writeFile(path, bytes);
  return path;
}

/** The real manifest, but describing `bytes` as volume `index` (size and sha256). */
function describing(bundle: RealBundle, index: number, bytes: Buffer): { manifest: Manifest; volume: ManifestVolume } {
  const manifest = structuredClone(bundle.manifest);
  const volume = manifest.volumes[index]!;
  volume.size = bytes.length;
  volume.sha256 = createHash('sha256').update(bytes).digest('hex');
  return { manifest, volume };
}

type Consumer = 'verify' | 'skip' | 'first-chunk';
const consumer = fc.constantFrom<Consumer>('verify', 'skip', 'first-chunk');

/** Consumers as the importer and `verify` use them, plus one that stops reading early. */
function onEntry(kind: Consumer): (e: EntryStream) => Promise<void> {
  if (kind === 'skip') return async () => undefined;
  if (kind === 'first-chunk') {
    return async (e) => {
      for await (const _ of e.stream) break;
    };
  }
  return (e) => pipeline(e.stream, new HashingStream({ ...e.expected, label: e.name }), new Writable({ write: (_c, _e, done) => done() }));
}

async function readMutatedVolume(bundle: RealBundle, index: number, bytes: Buffer, kind: Consumer): Promise<void> {
  const { manifest, volume } = describing(bundle, index, bytes);
  await readVolume({ path: await caseFile(volume.name, bytes), manifest, volume, onEntry: onEntry(kind) });
}

describe('fuzz: bundle manifest', () => {
  it('validateManifest: structural mutations of a real manifest give only coded errors', async () => {
    const report = await expectOnlyCodedErrors(mutatedJson(plain.manifest), (doc) => {
      const manifest = validateManifest(doc);
      // Whatever validates must also be usable by the volume reader without an untyped crash.
      for (const v of manifest.volumes) JSON.stringify(v);
    }, { target: 'validateManifest/mutated', numRuns: 600 });
    expect(report.refused.MANIFEST_INVALID).toBeGreaterThan(report.cases / 2);
  });

  it('validateManifest: random JSON values give only MANIFEST_INVALID', async () => {
    await expectOnlyCodedErrors(fc.jsonValue({ maxDepth: 4 }), (doc) => validateManifest(doc), { target: 'validateManifest/random', numRuns: 300, codes: ['MANIFEST_INVALID'] });
  });

  it('readManifest: mutated manifest bytes and text, signature accepted, give only coded errors', async () => {
    const text = plain.manifestBytes.toString('utf8');
    const pretty = JSON.stringify(plain.manifest, null, 1);
    const input = fc.oneof(mutatedBytes(plain.manifestBytes), mutatedText([text, pretty]).map((t) => Buffer.from(t, 'utf8')), fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)));
    const name = `${plain.manifest.id}.manifest.json`;
    await expectOnlyCodedErrors(input, async (bytes) => {
      const dir = join(work.path, `manifest-${caseNo++}`);
      await import('node:fs/promises').then((fs) => fs.mkdir(dir));
      await writeFile(join(dir, name), bytes);
      await writeFile(join(dir, `${name}.asc`), 'signature accepted by the test verifier');
      await readManifest(dir, acceptAnySignature(plain));
    }, { target: 'readManifest', numRuns: 300 });
  });

  it('readVolume after a mutated but valid-looking manifest: only coded errors', async () => {
    const input = mutatedJson(plain.manifest, { maxOps: 2 });
    await expectOnlyCodedErrors(input, async (doc) => {
      const manifest = validateManifest(doc);
      for (const volume of manifest.volumes) {
        const real = plain.volumes.find((v) => v.path.endsWith(volume.name));
        await readVolume({ path: real?.path ?? join(work.path, 'absent'), manifest, volume, onEntry: onEntry('verify') });
      }
    }, { target: 'readVolume/mutated-manifest', numRuns: 200 });
  });
});

describe('fuzz: volumes', () => {
  it('plain tar volumes with corrupted headers, sizes and padding give only coded errors', async () => {
    const seeds = plain.volumes.map((v) => v.bytes);
    const hotspots = seeds.map(tarHotspots);
    // Half the cases get their header checksums recomputed, so the field checks behind them are reached.
    const input = fc.record({ index: fc.nat({ max: seeds.length - 1 }), kind: consumer, reseal: fc.boolean() }).chain(({ index, kind, reseal }) =>
      mutatedBytes(seeds[index]!, { hotspots: hotspots[index]! }).map((bytes) => ({ index, kind, bytes: reseal ? resealTarHeaders(bytes) : bytes })),
    );
    const report = await expectOnlyCodedErrors(input, ({ index, kind, bytes }) => readMutatedVolume(plain, index, bytes, kind), { target: 'readVolume/none', numRuns: 300 });
    expect(report.accepted).toBeLessThan(report.cases);
  });

  it('zstd volumes: the tar mutated under real compression, and the compressed bytes mutated', async () => {
    const tars = zstd.volumes.map((v) => decompress(v.bytes));
    const hotspots = tars.map(tarHotspots);
    const input = fc.oneof(
      fc.record({ index: fc.nat({ max: tars.length - 1 }), kind: consumer }).chain(({ index, kind }) =>
        mutatedBytes(tars[index]!, { hotspots: hotspots[index]! }).map((tar) => ({ index, kind, bytes: compress(resealTarHeaders(tar)) })),
      ),
      fc.record({ index: fc.nat({ max: zstd.volumes.length - 1 }), kind: consumer }).chain(({ index, kind }) =>
        mutatedBytes(zstd.volumes[index]!.bytes, { hotspots: [[0, 32]] }).map((bytes) => ({ index, kind, bytes })),
      ),
    );
    await expectOnlyCodedErrors(input, ({ index, kind, bytes }) => readMutatedVolume(zstd, index, bytes, kind), { target: 'readVolume/zstd', numRuns: 300 });
  });

  it('random bytes as a volume give only coded errors', async () => {
    const input = fc.record({ compressed: fc.boolean(), bytes: fc.uint8Array({ minLength: 1, maxLength: 4096 }).map((b) => Buffer.from(b)) });
    await expectOnlyCodedErrors(input, ({ compressed, bytes }) => readMutatedVolume(compressed ? zstd : plain, 0, bytes, 'verify'), { target: 'readVolume/random', numRuns: 200 });
  });
});
