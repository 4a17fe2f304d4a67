import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { ZstdDecoder, type ZstdErrors } from '@airlock/compress';
import { AirlockError, asAirlockError, digestsEqual } from '@airlock/core';
import type { Manifest, ManifestVolume } from './manifest-types.js';
import type { EntryStream } from './entry-stream.js';
import { VolumeTarReader } from './tar-reader.js';
import { expectedVolumeContents } from './volume-json.js';

export interface ReadVolumeOptions {
  path: string;
  manifest: Manifest;
  volume: ManifestVolume;
  /** Receives each blob entry in turn; must consume `stream` (or settle, after which the rest is skipped). */
  onEntry(e: EntryStream): Promise<void>;
  onProgress?(bytes: number): void;
}

const READ_CHUNK = 1 << 20;

const VOLUME_ZSTD_ERRORS: ZstdErrors = {
  corrupt: (cause) =>
    cause === undefined
      ? new AirlockError('VOLUME_CORRUPT', 'the zstd data of the volume makes no progress; it is damaged')
      : asAirlockError(cause, 'VOLUME_CORRUPT', 'the volume is not valid zstd data; it is damaged, copy it again from the source media'),
  truncated: () => new AirlockError('VOLUME_TRUNCATED', 'the volume ends in the middle of its zstd data; it was cut short, copy it again'),
};

/**
 * Reads one volume file (attacker-controlled) in a single streaming pass: the file bytes are hashed
 * as read, decompressed, and parsed by a strict tar reader that hands each listed entry to
 * `onEntry` bounded to its declared size. The file digest is checked against the manifest at the end.
 */
export async function readVolume(o: ReadVolumeOptions): Promise<void> {
  const { volumeJson, entries } = expectedVolumeContents(o.manifest, o.volume);
  await checkFileSize(o.path, o.volume);
  const reader = new VolumeTarReader(volumeJson, entries, o.onEntry);
  const decoder = o.manifest.compression === 'zstd' ? new ZstdDecoder(VOLUME_ZSTD_ERRORS) : undefined;
  const hash = createHash('sha256');
  const file = createReadStream(o.path, { highWaterMark: READ_CHUNK });
  let bytes = 0;
  try {
    for await (const chunk of file as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > o.volume.size) throw new AirlockError('SIZE_MISMATCH', `${o.path} grew while it was read`);
      hash.update(chunk);
      if (decoder) {
        for (const piece of decoder.decode(chunk)) await reader.write(piece);
      } else {
        await reader.write(chunk);
      }
      o.onProgress?.(chunk.length);
    }
    if (bytes < o.volume.size) throw new AirlockError('VOLUME_TRUNCATED', `${o.path} shrank while it was read`);
    decoder?.end();
    reader.end();
  } catch (err) {
    reader.abort(err);
    file.destroy();
    throw asAirlockError(err, 'IO_ERROR', `cannot read volume ${o.path}`);
  }
  const sha256 = hash.digest('hex');
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
