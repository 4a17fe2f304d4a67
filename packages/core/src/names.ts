/** Source and channel names become path components and bundle file names, so they are kept plain. */
export const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function isPlainName(value: unknown): value is string {
  return typeof value === 'string' && NAME_RE.test(value) && !value.includes('..');
}
