import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { AirlockError, HashingStream, isAirlockError, type Digest } from '@airlock/core';
import type { BlobPart } from './blob-part.js';

/**
 * Checks that parts (already sorted by index) tile the blob exactly: indexes 0..n-1, each starting
 * where the previous one ended, together as long as the blob. Part lists come from a manifest.
 */
export function checkPartsTile(blob: { digest: Digest; size: number }, parts: BlobPart[]): void {
  let offset = 0;
  parts.forEach((part, position) => {
    if (part.index !== position || part.offset !== offset || !Number.isSafeInteger(part.size) || part.size < 0) {
      throw new AirlockError('MANIFEST_INVALID', `the parts of ${blob.digest} do not tile the blob (part ${part.index} at offset ${part.offset}, expected part ${position} at ${offset})`);
    }
    offset += part.size;
  });
  if (offset !== blob.size) {
    throw new AirlockError('MANIFEST_INVALID', `the parts of ${blob.digest} add up to ${offset} bytes, but the blob has ${blob.size}`);
  }
}

/**
 * The parts' bytes in order, each re-verified against its own digest on the way. A part that no
 * longer matches is removed and reported to `onDiscard`, so the volume that carried it can be
 * asked for again.
 */
export function assembledParts(blob: Digest, parts: BlobPart[], pathOf: (part: BlobPart) => string, onDiscard: (part: BlobPart) => void): Readable {
  return Readable.from(partChunks(blob, parts, pathOf, onDiscard), { objectMode: false });
}

async function* partChunks(blob: Digest, parts: BlobPart[], pathOf: (part: BlobPart) => string, onDiscard: (part: BlobPart) => void): AsyncGenerator<Buffer> {
  for (const part of parts) {
    const path = pathOf(part);
    const source = createReadStream(path);
    const verifier = new HashingStream({ digest: part.digest, size: part.size, label: `part ${part.index} of ${blob}` });
    source.on('error', (err) => verifier.destroy(err));
    try {
      for await (const chunk of source.pipe(verifier)) yield chunk as Buffer;
    } catch (err) {
      if (isAirlockError(err, 'DIGEST_MISMATCH') || isAirlockError(err, 'SIZE_MISMATCH')) {
        await rm(path, { force: true });
        onDiscard(part);
      }
      throw err;
    } finally {
      source.destroy();
    }
  }
}
