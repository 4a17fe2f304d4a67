import { AirlockError, isSha256Hex } from '@airlock/core';
import { parseStanza } from './deb822.js';

export interface ReleaseFile {
  sha256: string;
  size: number;
}

export interface ParsedRelease {
  fields: Map<string, string>;
  /** Index path relative to the Release file → its SHA256 and size. */
  files: Map<string, ReleaseFile>;
  /**
   * The signed `Date`, which only moves forward for a suite (a mirror serving an older one is
   * replaying it). The epoch when Release has none, so it can never pass for newer than a dated one.
   */
  date: Date;
}

/** Parses a (verified) Release text. Only SHA256 entries count: weaker hashes are ignored. */
export function parseRelease(text: string, label: string): ParsedRelease {
  const fields = parseStanza(text.replace(/\r\n/g, '\n').split(/\n\s*\n/)[0] ?? '');
  const files = new Map<string, ReleaseFile>();
  const list = fields.get('sha256');
  if (list === undefined) throw new AirlockError('UPSTREAM_INVALID', `${label} has no SHA256 list: apt refuses a Release without strong hashes`);
  for (const line of list.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length === 1 && parts[0] === '') continue;
    const [hex, size, path] = parts;
    if (parts.length !== 3 || !isSha256Hex(hex?.toLowerCase()) || !/^\d+$/.test(size ?? '') || !Number.isSafeInteger(Number(size)) || path === undefined) {
      throw new AirlockError('UPSTREAM_INVALID', `${label} has a malformed SHA256 line: ${JSON.stringify(line.trim())}`);
    }
    files.set(path, { sha256: hex!.toLowerCase(), size: Number(size) });
  }
  const rawDate = fields.get('date');
  const date = rawDate === undefined ? new Date(0) : releaseDate(rawDate);
  if (date === undefined) throw new AirlockError('UPSTREAM_INVALID', `${label} has an unreadable Date: ${JSON.stringify(rawDate)} (apt refuses it too)`);
  return { fields, files, date };
}

/** RFC 1123 / RFC 2822 dates as Release files carry them; undefined when absent or unreadable. */
export function releaseDate(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value.replace(/\bUTC\b/, 'GMT'));
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/** Refuses an expired Release (Valid-Until in the past) unless the operator allowed it. */
export function checkNotExpired(release: ParsedRelease, label: string, allowExpired: boolean, now = new Date()): void {
  const raw = release.fields.get('valid-until');
  if (raw === undefined || allowExpired) return;
  const until = releaseDate(raw);
  if (until === undefined) throw new AirlockError('UPSTREAM_INVALID', `${label} has an unreadable Valid-Until: ${JSON.stringify(raw)}`);
  if (until.getTime() < now.getTime()) {
    throw new AirlockError('UPSTREAM_INVALID', `${label} expired at ${until.toISOString()} (Valid-Until): the mirror is stale or replaying old metadata; set allowExpired: true only if you accept that`, {
      details: { validUntil: until.toISOString() },
    });
  }
}

/** A non-flat Release must name the suite it was fetched for, or an old Release of another suite could be replayed. */
export function checkSuite(release: ParsedRelease, suite: string, label: string): void {
  const names = [release.fields.get('suite'), release.fields.get('codename')].filter((v): v is string => v !== undefined);
  const last = suite.split('/').pop();
  if (names.length === 0 || names.some((n) => n === suite || n === last)) return;
  throw new AirlockError('UPSTREAM_INVALID', `${label} is for ${names.join('/')}, not the configured suite ${JSON.stringify(suite)}`);
}
