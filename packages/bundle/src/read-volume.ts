import { stat } from 'node:fs/promises';
import { AirlockError, asAirlockError, digestsEqual } from '@airlock/core';
import type { Manifest, ManifestVolume } from './manifest-types.js';
import type { EntryInfo, EntrySink } from './entry-sink.js';
import { streamEntrySink, type EntryStream } from './entry-stream.js';
import { VolumeTarReader } from './tar-reader.js';
import { OFF_THREAD_MIN_BYTES, readVolumeBytes } from './volume-io.js';
import { expectedVolumeContents } from './volume-json.js';

export interface ReadVolumeOptions {
  path: string;
  manifest: Manifest;
  volume: ManifestVolume;
  /** Receives each blob entry as a stream (of copies); must consume it (or settle, after which the rest is skipped). */
  onEntry?(e: EntryStream): Promise<void>;
  /** Receives each blob entry as a sink fed with views of the reader's buffers (no copies). Takes precedence over onEntry. */
  openEntry?(e: EntryInfo): EntrySink | Promise<EntrySink>;
  onProgress?(bytes: number): void;
  /** Hash and decompress on the worker thread; by default when the volume is at least OFF_THREAD_MIN_BYTES. */
  offThread?: boolean;
}

/**
 * Reads one volume file (attacker-controlled) in a single streaming pass: the file bytes are hashed
 * as read, decompressed, and parsed by a strict tar reader that hands each listed entry to the
 * consumer bounded to its declared size. The file digest is checked against the manifest at the end.
 */
export async function readVolume(o: ReadVolumeOptions): Promise<void> {
  const { volumeJson, entries } = expectedVolumeContents(o.manifest, o.volume);
  await checkFileSize(o.path, o.volume);
  const onEntry = o.onEntry;
  const openEntry = o.openEntry ?? (onEntry ? (info: EntryInfo) => streamEntrySink(info, onEntry) : undefined);
  if (!openEntry) throw new AirlockError('INTERNAL', 'readVolume needs openEntry or onEntry');
  const reader = new VolumeTarReader(volumeJson, entries, openEntry);
  const spec = { path: o.path, size: o.volume.size, compression: o.manifest.compression };
  let sha256: string;
  try {
    sha256 = await readVolumeBytes(spec, o.offThread ?? o.volume.size >= OFF_THREAD_MIN_BYTES, async (tar, read, keep) => {
      if (tar.length > 0) await reader.write(tar, keep);
      o.onProgress?.(read);
    });
    reader.end();
  } catch (err) {
    reader.abort(err);
    throw asAirlockError(err, 'IO_ERROR', `cannot read volume ${o.path}`);
  }
  if (!digestsEqual(sha256, o.volume.sha256)) {
    throw new AirlockError('DIGEST_MISMATCH', `${o.volume.name} has sha256 ${sha256} but the manifest says ${o.volume.sha256}; the volume is damaged or altered, copy it again`, {
      details: { path: o.path, expected: o.volume.sha256, actual: sha256 },
    });
  }
}

/** The cheap check first: a volume of the wrong size is refused before any byte is parsed. */
async function checkFileSize(path: string, volume: ManifestVolume): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw asAirlockError(err, 'SOURCE_NOT_FOUND', `cannot read volume ${volume.name}`);
  }
  if (!info.isFile()) throw new AirlockError('SOURCE_NOT_FOUND', `${path} is not a regular file`);
  if (info.size < volume.size) {
    throw new AirlockError('VOLUME_TRUNCATED', `${volume.name} is ${info.size} bytes but should be ${volume.size}; it was cut short, copy it again`, { details: { path, expected: volume.size, actual: info.size } });
  }
  if (info.size > volume.size) {
    throw new AirlockError('SIZE_MISMATCH', `${volume.name} is ${info.size} bytes but should be ${volume.size}; it is not the volume the manifest describes`, { details: { path, expected: volume.size, actual: info.size } });
  }
}
