import { createHash } from 'node:crypto';
import { AirlockError, digestsEqual } from '@airlock/core';
import type { EntryInfo, EntrySink } from './entry-sink.js';
import type { Manifest, ManifestVolume } from './manifest-types.js';
import { readVolume } from './read-volume.js';

/** Reads a volume end to end, checking every entry against the digest and size in the manifest. */
export async function verifyVolume(path: string, manifest: Manifest, volume: ManifestVolume, onProgress?: (n: number) => void, offThread?: boolean): Promise<void> {
  await readVolume({ path, manifest, volume, ...(onProgress ? { onProgress } : {}), ...(offThread === undefined ? {} : { offThread }), openEntry: checkingSink });
}

/** A sink that only hashes; the tar reader already stops each entry at its declared size. */
export function checkingSink(e: EntryInfo): EntrySink {
  const hash = createHash('sha256');
  return {
    write: (piece) => void hash.update(piece),
    end: () => {
      const actual = `sha256:${hash.digest('hex')}` as const;
      if (!digestsEqual(actual, e.expected.digest)) {
        throw new AirlockError('DIGEST_MISMATCH', `${e.name} has digest ${actual}, expected ${e.expected.digest}`, { details: { label: e.name, expected: e.expected.digest, actual } });
      }
    },
    abort: () => undefined,
  };
}
