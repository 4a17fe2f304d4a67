import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CompressStream } from 'zstd-napi';
import {
  AirlockError, HashingStream, asAirlockError, commitFile, digestHex, digestsEqual, ensureDir, failpoint, fsError, tempPathFor, type Digest,
} from '@airlock/core';
import type { BlobPart, Compression } from './manifest-types.js';
import { blobEntryName, volumeFileName } from './names.js';
import type { PlannedEntry } from './plan-volumes.js';
import { encodeTarHeader } from './tar-header.js';
import { TAR_END_OF_ARCHIVE, tarPadding } from './tar-layout.js';
import { encodeVolumeJson } from './volume-json.js';

export interface WrittenVolume {
  number: number;
  name: string;
  size: number;
  sha256: string;
  parts: Array<{ blob: Digest } & BlobPart>;
}

export interface WriteVolumeOptions {
  dir: string;
  bundleId: string;
  channel: string;
  sequence: number;
  number: number;
  compression: Compression;
  zstdLevel?: number;
  threads?: number;
  entries: PlannedEntry[];
  open(digest: Digest, offset: number, length: number): Promise<Readable>;
  expectedDigest(digest: Digest): Digest;
  onProgress?(bytes: number): void;
}

/** zstd levels above 19 need windows larger than readers accept (see @airlock/compress's zstd-decoder.ts). */
const MAX_ZSTD_LEVEL = 19;
const CHUNK = 1 << 20;

/**
 * Packs one volume: volume.json, then each planned entry read through `open()`, streamed through
 * zstd (optionally) into a temp file that is renamed into place only when everything verified.
 */
export async function writeVolume(o: WriteVolumeOptions): Promise<WrittenVolume> {
  const name = volumeFileName(o.bundleId, o.number, o.compression);
  const target = join(o.dir, name);
  const parts: WrittenVolume['parts'] = [];
  const fileTap = new HashingStream({ label: name });
  const zstd = o.compression === 'zstd' ? compressor(o) : undefined;
  await ensureDir(o.dir);
  const tmp = tempPathFor(target);
  try {
    const source = Readable.from(tarStream(o, parts), { objectMode: false, highWaterMark: CHUNK });
    const file = createWriteStream(tmp, { flags: 'wx', mode: 0o644 });
    // A failure that starts at the file (disk full) is the output's, not a bad blob source.
    let fileFailedFirst: boolean | undefined;
    for (const stream of [source, zstd, fileTap]) stream?.once('error', () => (fileFailedFirst ??= false));
    file.once('error', () => (fileFailedFirst ??= true));
    try {
      await (zstd ? pipeline(source, zstd, fileTap, file) : pipeline(source, fileTap, file));
    } catch (err) {
      throw fileFailedFirst ? fsError(err, tmp, `writing volume ${name}`) : err;
    }
    failpoint('bundle:volume-data-written');
    await commitFile(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw asAirlockError(err, 'IO_ERROR', `cannot write volume ${name}`);
  }
  return { number: o.number, name, size: fileTap.bytes, sha256: digestHex(fileTap.digest), parts };
}

function compressor(o: WriteVolumeOptions): CompressStream {
  const level = o.zstdLevel ?? 3;
  if (!Number.isInteger(level) || level < 1 || level > MAX_ZSTD_LEVEL) throw new AirlockError('USAGE', `zstd level must be 1 to ${MAX_ZSTD_LEVEL}, got ${level}`);
  const threads = o.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 0) throw new AirlockError('USAGE', `zstd threads must be a whole number, got ${threads}`);
  return new CompressStream({ compressionLevel: level, nbWorkers: threads, checksumFlag: true });
}

async function* tarStream(o: WriteVolumeOptions, parts: WrittenVolume['parts']): AsyncGenerator<Buffer> {
  const volumeJson = encodeVolumeJson({
    bundle: o.bundleId,
    channel: o.channel,
    sequence: o.sequence,
    number: o.number,
    entries: o.entries.map((e) => ({ name: blobEntryName(e.digest, e.part?.index), size: e.size })),
  });
  yield* entry('volume.json', volumeJson.length, (async function* () {
    yield volumeJson;
  })());
  for (const planned of o.entries) {
    const name = blobEntryName(planned.digest, planned.part?.index);
    const hash = createHash('sha256');
    yield* entry(name, planned.size, packedBytes(o, planned, name, hash));
    const digest: Digest = `sha256:${hash.digest('hex')}`;
    if (planned.part) {
      parts.push({ blob: planned.digest, index: planned.part.index, offset: planned.part.offset, size: planned.size, digest });
    } else if (!digestsEqual(digest, o.expectedDigest(planned.digest))) {
      throw new AirlockError('DIGEST_MISMATCH', `blob ${planned.digest} read back as ${digest} while packing; its source changed or is damaged, fetch it again`);
    }
  }
  yield Buffer.alloc(TAR_END_OF_ARCHIVE);
}

async function* entry(name: string, size: number, data: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  yield encodeTarHeader(name, size);
  yield* data;
  const padding = tarPadding(size);
  if (padding > 0) yield Buffer.alloc(padding);
}

/** The bytes of one entry from `open()`, hashed on the way, refusing a source of the wrong length. */
async function* packedBytes(o: WriteVolumeOptions, planned: PlannedEntry, name: string, hash: ReturnType<typeof createHash>): AsyncGenerator<Buffer> {
  const offset = planned.part?.offset ?? 0;
  const stream = await o.open(planned.digest, offset, planned.size);
  let count = 0;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    count += buf.length;
    if (count > planned.size) throw sizeMismatch(name, planned.size, `more than`);
    hash.update(buf);
    o.onProgress?.(buf.length);
    yield buf;
  }
  if (count < planned.size) throw sizeMismatch(name, planned.size, `only ${count} of`);
}

function sizeMismatch(name: string, size: number, got: string): AirlockError {
  return new AirlockError('SIZE_MISMATCH', `the source of ${name} gave ${got} the ${size} bytes planned; it changed since the export was planned, run the export again`);
}
