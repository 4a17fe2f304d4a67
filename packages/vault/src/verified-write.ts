import { createWriteStream } from 'node:fs';
import { chmod, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { asAirlockError, commitFile, HashingStream, type ExpectedContent } from '@airlock/core';

/** Read-only: nothing may change a blob once it is stored under its digest. */
export const BLOB_MODE = 0o444;

/**
 * Streams `source` into `tmp` while hashing it, stopping as soon as it runs past the declared size,
 * and moves it to `target` only once size and digest match. The temp file never outlives the call.
 */
export async function writeVerified(source: Readable, expected: ExpectedContent, tmp: string, target: string): Promise<void> {
  try {
    await pipeline(source, new HashingStream(expected), createWriteStream(tmp, { flags: 'wx', mode: 0o600 }));
    await chmod(tmp, BLOB_MODE);
    await commitFile(tmp, target);
  } catch (err) {
    throw asAirlockError(err, 'IO_ERROR', `cannot store ${expected.label ?? expected.digest ?? 'content'} in the vault`);
  } finally {
    await rm(tmp, { force: true });
  }
}

/** Consumes a stream whose bytes are not needed (the blob is already stored), so its producer can go on. */
export async function drain(source: Readable): Promise<void> {
  try {
    for await (const chunk of source) void chunk;
  } catch (err) {
    throw asAirlockError(err, 'IO_ERROR', 'cannot read the stream of an already stored blob');
  }
}
