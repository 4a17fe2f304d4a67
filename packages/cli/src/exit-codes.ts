import { VERIFICATION_CODES, type ErrorCode } from '@airlock/core';

/** Stable process exit codes; documented in the README and `airlock --help`. */
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  VERIFICATION: 3,
  INCOMPLETE: 4,
  LOCKED: 5,
} as const;

export function exitCodeFor(code: ErrorCode): number {
  if (code === 'USAGE' || code === 'CONFIG_INVALID' || code === 'CONFIG_NOT_FOUND' || code === 'DRIVER_UNKNOWN' || code === 'VOLUME_TOO_LARGE') return EXIT.USAGE;
  if (code === 'BUNDLE_INCOMPLETE') return EXIT.INCOMPLETE;
  if (code === 'LOCKED') return EXIT.LOCKED;
  if (VERIFICATION_CODES.has(code)) return EXIT.VERIFICATION;
  return EXIT.FAILURE;
}

export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  failure (network, disk, state)
  2  usage or configuration error
  3  verification failure: bad or untrusted signature, checksum mismatch, replayed or
     expired bundle, hostile archive entry, missing base, a signer the channel is not
     bound to, an upstream key the site has not pinned, a receipt from another site key
  4  incomplete: volumes are still missing (import what you have, bring the rest later)
  5  another airlock process holds this home's lock`;

/** Thrown by commands to end with a given exit code after their output was written. */
export class ExitError extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}
