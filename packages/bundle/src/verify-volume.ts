import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HashingStream } from '@airlock/core';
import type { Manifest, ManifestVolume } from './manifest-types.js';
import { readVolume } from './read-volume.js';

/** Reads a volume end to end, checking every entry against the digest and size in the manifest. */
export async function verifyVolume(path: string, manifest: Manifest, volume: ManifestVolume, onProgress?: (n: number) => void): Promise<void> {
  await readVolume({
    path,
    manifest,
    volume,
    ...(onProgress ? { onProgress } : {}),
    onEntry: (e) => pipeline(e.stream, new HashingStream({ ...e.expected, label: e.name }), discard()),
  });
}

function discard(): Writable {
  return new Writable({ write: (_chunk, _enc, done) => done() });
}
