import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { chmod, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { asAirlockError, commitFile, failpoint, fsError, HashingStream, type ExpectedContent } from '@airlock/core';

/** Read-only: nothing may change a blob once it is stored under its digest. */
export const BLOB_MODE = 0o444;

/**
 * Streams `source` into `tmp` while hashing it, stopping as soon as it runs past the declared size,
 * and moves it to `target` only once size and digest match. The temp file never outlives the call.
 * A failure to write (disk full, I/O error) is the vault's own (fsError); a failure of `source` or
 * of the verification is the input's.
 */
export async function writeVerified(source: Readable, expected: ExpectedContent, tmp: string, target: string): Promise<void> {
  const what = `storing ${expected.label ?? expected.digest ?? 'content'} in the vault`;
  const hashing = new HashingStream(expected);
  const file = createWriteStream(tmp, { flags: 'wx', mode: 0o600 });
  // The stream that fails first is where the failure began; pipeline then destroys the others with it.
  let failedFirst: 'input' | 'vault' | undefined;
  source.once('error', () => (failedFirst ??= 'input'));
  hashing.once('error', () => (failedFirst ??= 'input'));
  file.once('error', () => (failedFirst ??= 'vault'));
  try {
    await pipeline(source, hashing, file);
    await chmod(tmp, BLOB_MODE).catch((err: unknown) => {
      throw fsError(err, tmp, what);
    });
    failpoint('vault:before-commit');
    await commitFile(tmp, target);
    failpoint('vault:after-commit');
  } catch (err) {
    if (failedFirst === 'vault') throw fsError(err, tmp, what);
    throw asAirlockError(err, 'IO_ERROR', `cannot store ${expected.label ?? expected.digest ?? 'content'} in the vault`);
  } finally {
    // The file stream opens asynchronously: after an early failure its open may still be pending,
    // and would create `tmp` after the rm below. Wait until it is really closed.
    if (!file.closed) await once(file, 'close').catch(() => undefined);
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
