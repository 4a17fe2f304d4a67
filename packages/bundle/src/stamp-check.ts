import { fstatSync } from 'node:fs';
import { AirlockError, holdsStamp, type SettledStamp } from '@airlock/core';

/** Whether the open file still has the stamp it was hashed under (then its bytes are not hashed again). */
export function stampHolds(fd: number, stamp: SettledStamp): boolean {
  return holdsStamp(fstatSync(fd), stamp);
}

/** A file packed on the strength of its stamp lost that stamp while its bytes were being read. */
export function changedWhilePacked(what: string): AirlockError {
  return new AirlockError('DIGEST_MISMATCH', `${what} changed while it was packed (its size, times or inode are no longer those it was hashed with); run the export again once it is still`);
}
