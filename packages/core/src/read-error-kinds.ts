/** The code of a Node system error, also when an AirlockError wraps one as its cause. */
function errnoCode(err: unknown): string | undefined {
  const direct = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof direct === 'string' && direct.startsWith('E')) return direct;
  return (err as { cause?: NodeJS.ErrnoException } | undefined)?.cause?.code;
}

/**
 * A file or directory that is not there. Only this may be answered as "absent" (a 404, an empty
 * list): EMFILE, EIO and the rest are failures, and treating them as absence would, for example,
 * tell every client that an image is gone while a client exhausts descriptors.
 */
export function isMissingFileError(err: unknown): boolean {
  const code = errnoCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** A failure that goes away by itself (descriptors or memory ran out for a moment): worth a 503 and a retry. */
export function isTransientIoError(err: unknown): boolean {
  const code = errnoCode(err);
  return code === 'EMFILE' || code === 'ENFILE' || code === 'EAGAIN' || code === 'ENOMEM' || code === 'EBUSY';
}
