import { createHash, type Hash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  AirlockError, asAirlockError, commitPlaced, digestsEqual, ensureDir, failpoint, tempPathFor, type Digest, type SettledStamp,
} from '@airlock/core';
import type { BlobPart, Compression } from './manifest-types.js';
import { blobEntryName, volumeFileName } from './names.js';
import type { PlannedEntry } from './plan-volumes.js';
import { READ_AHEAD_MAX_BYTES, READ_AHEAD_MIN_FILES, ReadAhead } from './read-ahead.js';
import { BY_STAMP } from './read-ahead-job.js';
import { encodeAheadList, type AheadSource } from './read-ahead-list.js';
import { tarEntryBytes } from './tar-layout.js';
import { TarPacker } from './tar-packer.js';
import { OFF_THREAD_MIN_BYTES, openVolumeSink } from './volume-io.js';
import { plannedVolumeJson } from './volume-json.js';

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
  /** A local file holding the blob, read straight into the volume's buffers; else `open` is used. */
  pathOf?(digest: Digest): string | undefined;
  /** The stamp `pathOf`'s file had when this run hashed it, if settled: checked instead of hashing it again. */
  settledOf?(digest: Digest): SettledStamp | undefined;
  expectedDigest(digest: Digest): Digest;
  onProgress?(bytes: number): void;
  /** Compress, hash and write on the worker thread; by default for volumes of OFF_THREAD_MIN_BYTES or more. */
  offThread?: boolean;
}

/** zstd levels above 19 need windows larger than readers accept (see @airlock/compress's zstd-decoder.ts). */
const MAX_ZSTD_LEVEL = 19;

/**
 * Packs one volume: volume.json, then each planned entry (hashed while read), through zstd
 * (optionally) into a temp file that is fsynced and renamed into place only when everything verified.
 */
export async function writeVolume(o: WriteVolumeOptions): Promise<WrittenVolume> {
  const name = volumeFileName(o.bundleId, o.number, o.compression);
  const target = join(o.dir, name);
  const parts: WrittenVolume['parts'] = [];
  const zstd = zstdSettings(o);
  await ensureDir(o.dir);
  const tmp = tempPathFor(target);
  const planned = o.entries.reduce((sum, e) => sum + e.size, 0);
  let sink;
  try {
    sink = openVolumeSink({ tmp, name, compression: o.compression, ...zstd }, o.offThread ?? planned >= OFF_THREAD_MIN_BYTES);
    const packer = new TarPacker(sink, o.onProgress, o.compression === 'zstd');
    await packEntries(o, packer, parts);
    const written = await sink.finish();
    failpoint('bundle:volume-data-written');
    await commitPlaced(tmp, target);
    return { number: o.number, name, size: written.size, sha256: written.sha256, parts };
  } catch (err) {
    sink?.abort();
    await rm(tmp, { force: true });
    throw asAirlockError(err, 'IO_ERROR', `cannot write volume ${name}`);
  }
}

function zstdSettings(o: WriteVolumeOptions): { zstdLevel: number; zstdThreads: number } {
  const level = o.zstdLevel ?? 3;
  if (!Number.isInteger(level) || level < 1 || level > MAX_ZSTD_LEVEL) throw new AirlockError('USAGE', `zstd level must be 1 to ${MAX_ZSTD_LEVEL}, got ${level}`);
  const threads = o.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 0) throw new AirlockError('USAGE', `zstd threads must be a whole number, got ${threads}`);
  return { zstdLevel: level, zstdThreads: threads };
}

async function packEntries(o: WriteVolumeOptions, packer: TarPacker, parts: WrittenVolume['parts']): Promise<void> {
  const volumeJson = plannedVolumeJson({ id: o.bundleId, channel: o.channel, sequence: o.sequence }, o.number, o.entries);
  await packer.start();
  await packer.entry('volume.json', volumeJson.length, async () => packer.bytes(volumeJson));
  const ahead = readAheadFor(o);
  try {
    for (let i = 0; i < o.entries.length; ) {
      i = ahead?.has(o.entries[i] as PlannedEntry) ? await packAheadRun(o, packer, ahead, i, parts) : await packOne(o, packer, i, parts);
    }
  } finally {
    ahead?.reader.close();
  }
  await packer.end();
}

/** Read-ahead bytes are taken a few MiB at a time, so digests are checked and progress shown as they come. */
const AHEAD_RUN_BYTES = 4 << 20;

/** The entries from `start` that the read-ahead laid out, up to AHEAD_RUN_BYTES; returns the next index. */
async function packAheadRun(o: WriteVolumeOptions, packer: TarPacker, ahead: Ahead, start: number, parts: WrittenVolume['parts']): Promise<number> {
  let end = start;
  let bytes = 0;
  let data = 0;
  for (let e = o.entries[end]; e && ahead.has(e) && bytes < AHEAD_RUN_BYTES; e = o.entries[++end]) {
    bytes += tarEntryBytes(e.size);
    data += e.size;
  }
  await packer.entriesAhead(ahead.reader, bytes, data);
  for (let i = start; i < end; i++) {
    const hex = ahead.reader.nextDigest();
    if (hex !== BY_STAMP) checkPacked(o, o.entries[i] as PlannedEntry, `sha256:${hex}`, parts);
  }
  return end;
}

async function packOne(o: WriteVolumeOptions, packer: TarPacker, index: number, parts: WrittenVolume['parts']): Promise<number> {
  const planned = o.entries[index] as PlannedEntry;
  const name = blobEntryName(planned.digest, planned.part?.index);
  const hash = createHash('sha256');
  let byStamp = false;
  await packer.entry(name, planned.size, async () => {
    byStamp = await packSource(o, packer, planned, name, hash);
  });
  if (!byStamp) checkPacked(o, planned, `sha256:${hash.digest('hex')}`, parts);
  return index + 1;
}

interface Ahead {
  reader: ReadAhead;
  has(e: PlannedEntry): boolean;
}

/** Small files are read on a thread of their own, in plan order, when there are enough of them. */
function readAheadFor(o: WriteVolumeOptions): Ahead | undefined {
  const small = new Set<PlannedEntry>();
  const files: AheadSource[] = [];
  for (const e of o.entries) {
    const path = e.size <= READ_AHEAD_MAX_BYTES ? o.pathOf?.(e.digest) : undefined;
    if (path === undefined) continue;
    small.add(e);
    const settled = settledFor(o, e);
    files.push({ path, digest: e.digest, offset: e.part?.offset ?? 0, length: e.size, ...(e.part ? { part: e.part.index } : {}), ...(settled ? { settled } : {}) });
  }
  if (files.length < READ_AHEAD_MIN_FILES) return undefined;
  return { reader: new ReadAhead(encodeAheadList(files)), has: (e) => small.has(e) };
}

/** The stamp to check instead of hashing an entry; never for a part, whose digest the manifest lists. */
function settledFor(o: WriteVolumeOptions, e: PlannedEntry): SettledStamp | undefined {
  return e.part ? undefined : o.settledOf?.(e.digest);
}

/** A part's digest is recorded (the manifest will list it); a whole blob must be what was planned. */
function checkPacked(o: WriteVolumeOptions, planned: PlannedEntry, digest: Digest, parts: WrittenVolume['parts']): void {
  if (planned.part) {
    parts.push({ blob: planned.digest, index: planned.part.index, offset: planned.part.offset, size: planned.size, digest });
  } else if (!digestsEqual(digest, o.expectedDigest(planned.digest))) {
    throw new AirlockError('DIGEST_MISMATCH', `blob ${planned.digest} read back as ${digest} while packing; its source changed or is damaged, fetch it again`);
  }
}

/**
 * The bytes of one entry, hashed on the way, refusing a source of the wrong length. Returns
 * whether a settled stamp vouched for them instead.
 */
async function packSource(o: WriteVolumeOptions, packer: TarPacker, planned: PlannedEntry, name: string, hash: Hash): Promise<boolean> {
  const offset = planned.part?.offset ?? 0;
  const path = o.pathOf?.(planned.digest);
  if (path !== undefined) return packer.file(path, offset, planned.size, hash, name, settledFor(o, planned));
  const stream = await o.open(planned.digest, offset, planned.size);
  await packer.stream(stream, planned.size, hash, name);
  return false;
}
