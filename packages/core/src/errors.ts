/**
 * Every failure airlock reports is an AirlockError with a stable code. Codes are part of the
 * public contract: tests, scripts and the CLI's exit codes depend on them; messages may change.
 */
export const ERROR_CODES = [
  // configuration and usage
  'USAGE',
  'CONFIG_NOT_FOUND',
  'CONFIG_INVALID',
  'DRIVER_UNKNOWN',
  // keys and trust
  'KEY_INVALID',
  'KEY_PASSPHRASE',
  'KEY_NOT_FOUND',
  'TRUST_UNKNOWN_KEY',
  'CHANNEL_SIGNER_MISMATCH',
  'UPSTREAM_KEY_CHANGED',
  'SITE_KEY_MISMATCH',
  // verification: the bundle or upstream content cannot be trusted
  'SIGNATURE_MISSING',
  'SIGNATURE_INVALID',
  'SIGNER_UNTRUSTED',
  'BUNDLE_EXPIRED',
  'MANIFEST_INVALID',
  'DIGEST_MISMATCH',
  'SIZE_MISMATCH',
  'VOLUME_CORRUPT',
  'VOLUME_TRUNCATED',
  'VOLUME_UNKNOWN',
  'TAR_ENTRY_INVALID',
  'TAR_ENTRY_DUPLICATE',
  'SEQUENCE_REPLAY',
  'BASE_MISSING',
  'BLOB_MISSING',
  'UPSTREAM_INVALID',
  'UPSTREAM_REPLAY',
  'UPSTREAM_UNSIGNED',
  'UPSTREAM_KEY_EXPIRED',
  // incomplete work the operator can finish later
  'BUNDLE_INCOMPLETE',
  // network and sources
  'FETCH_FAILED',
  'HTTP_STATUS',
  'SOURCE_NOT_FOUND',
  // local state
  'LOCKED',
  'STATE_ERROR',
  'NO_PUBLICATION',
  'NO_PREVIOUS_PUBLICATION',
  'PUBLISH_FAILED',
  'IO_ERROR',
  'DISK_FULL',
  'VOLUME_TOO_LARGE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Codes that mean "the input cannot be trusted"; the CLI maps them to the verification exit code. */
export const VERIFICATION_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'SIGNATURE_MISSING',
  'SIGNATURE_INVALID',
  'SIGNER_UNTRUSTED',
  'BUNDLE_EXPIRED',
  'MANIFEST_INVALID',
  'DIGEST_MISMATCH',
  'SIZE_MISMATCH',
  'VOLUME_CORRUPT',
  'VOLUME_TRUNCATED',
  'VOLUME_UNKNOWN',
  'TAR_ENTRY_INVALID',
  'TAR_ENTRY_DUPLICATE',
  'SEQUENCE_REPLAY',
  'BASE_MISSING',
  'BLOB_MISSING',
  'UPSTREAM_INVALID',
  'UPSTREAM_REPLAY',
  'UPSTREAM_UNSIGNED',
  'UPSTREAM_KEY_EXPIRED',
  'UPSTREAM_KEY_CHANGED',
  'CHANNEL_SIGNER_MISMATCH',
  'SITE_KEY_MISMATCH',
]);

export interface AirlockErrorOptions {
  cause?: unknown;
  /** Structured facts for --json output (paths, digests, field lists). */
  details?: Record<string, unknown>;
}

export class AirlockError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: AirlockErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AirlockError';
    this.code = code;
    this.details = options.details;
  }
}

export function isAirlockError(err: unknown, code?: ErrorCode): err is AirlockError {
  return err instanceof AirlockError && (code === undefined || err.code === code);
}

/** errno codes that mean the filesystem (or the user's quota on it) is full. */
export function isNoSpace(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/**
 * Wraps an unknown thrown value (typically a Node system error) as an AirlockError. A full disk is
 * DISK_FULL whatever `code` the caller had in mind: it is never the input's fault.
 */
export function asAirlockError(err: unknown, code: ErrorCode, message: string): AirlockError {
  if (err instanceof AirlockError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  if (isNoSpace(err)) {
    const path = (err as { path?: unknown }).path;
    return new AirlockError('DISK_FULL', `${message}: ${reason}`, { cause: err, details: typeof path === 'string' ? { path } : {} });
  }
  return new AirlockError(code, `${message}: ${reason}`, { cause: err });
}

/** One invalid field found during validation. Validators collect all of them, then throw once. */
export interface FieldProblem {
  path: string;
  message: string;
}

export function invalid(code: ErrorCode, what: string, problems: FieldProblem[]): AirlockError {
  const lines = problems.map((p) => `  - ${p.path || '(root)'}: ${p.message}`);
  return new AirlockError(code, `${what} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`, {
    details: { problems },
  });
}
