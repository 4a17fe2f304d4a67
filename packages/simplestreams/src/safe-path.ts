/**
 * An item path is relative to the mirror root and becomes a file in the published tree, so it is
 * attacker-controlled input: plain relative segments only (no `..`, `.`, empty segments, absolute
 * paths, backslashes or control characters), and never inside `streams/`, which airlock writes.
 */
export function unsafePathReason(path: unknown): string | undefined {
  if (typeof path !== 'string' || path === '') return 'is not a non-empty string';
  if (path.length > 1024) return 'is longer than 1024 characters';
  if (path.startsWith('/')) return 'is absolute';
  if (/[\x00-\x1f\x7f\\]/.test(path)) return 'holds a control character or a backslash';
  const segments = path.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return 'has an empty, "." or ".." segment';
  if (segments[0] === 'streams') return 'is inside streams/, where the mirror metadata lives';
  if (segments.some((s) => s.length > 255)) return 'has a segment longer than 255 characters';
  return undefined;
}

/** The URL of a mirror-relative path; each segment is percent-encoded so `#`, `?` or `%` cannot change its meaning. */
export function mirrorUrl(mirror: string, path: string): string {
  return mirror + path.split('/').map((s) => encodeURIComponent(s).replace(/%3A/gi, ':')).join('/');
}
