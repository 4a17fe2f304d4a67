import { invalid, isDigest, isRecord, type FieldProblem } from '@airlock/core';
import { parseChannel, fullChannel } from './channel.js';
import { ARCHITECTURES, SNAP_NAME_RE } from './parse-spec.js';
import { SNAP_ID_RE } from './snap-id.js';
import type { CatalogChannel, CatalogRevision, SnapCatalog } from './types.js';

const TEXT_LIMIT = 256 * 1024;
const ASSERTION_LIMIT = 2_400_000;
const MAX_ITEMS = 100_000;

/** Validates a catalog read back from a bundle (MANIFEST_INVALID on a bad shape); reverify checks what it claims. */
export function parseSnapCatalog(raw: unknown): SnapCatalog {
  const problems: FieldProblem[] = [];
  if (!isRecord(raw)) throw invalid('MANIFEST_INVALID', 'snap catalog', [{ path: '', message: 'must be an object' }]);
  if (raw.version !== 1) problems.push({ path: 'version', message: 'must be 1' });
  if (typeof raw.store !== 'string' || raw.store.length > 2048) problems.push({ path: 'store', message: 'must be a URL' });
  const architectures = list(raw.architectures, 'architectures', problems).filter((a, i) => ok(typeof a === 'string' && ARCHITECTURES.includes(a), `architectures[${i}]`, 'must be an architecture', problems)) as string[];
  const requested = list(raw.requested, 'requested', problems).filter((n, i) => ok(isSnapName(n), `requested[${i}]`, 'must be a snap name', problems)) as string[];
  const keep = raw.keepRevisions;
  if (typeof keep !== 'number' || !Number.isInteger(keep) || keep < 1 || keep > 100) problems.push({ path: 'keepRevisions', message: 'must be 1 to 100' });
  const revisions: CatalogRevision[] = [];
  const byKey = new Set<string>();
  list(raw.revisions, 'revisions', problems).forEach((item, i) => {
    const r = revision(item, `revisions[${i}]`, problems);
    if (!r) return;
    const key = `${r.name}/${r.revision}`;
    if (byKey.has(key)) problems.push({ path: `revisions[${i}]`, message: `${key} appears twice` });
    byKey.add(key);
    revisions.push(r);
  });
  const channels: CatalogChannel[] = [];
  const seen = new Set<string>();
  list(raw.channels, 'channels', problems).forEach((item, i) => {
    const at = `channels[${i}]`;
    if (!isRecord(item)) return void problems.push({ path: at, message: 'must be an object' });
    const { name, channel, architecture, revision: rev, releasedAt } = item;
    const parsed = typeof channel === 'string' ? parseChannel(channel) : undefined;
    if (!isSnapName(name) || !parsed || fullChannel(parsed) !== channel || typeof architecture !== 'string' || !ARCHITECTURES.includes(architecture) || typeof releasedAt !== 'string' || releasedAt.length > 64) {
      return void problems.push({ path: at, message: 'must be { name, channel (full form), architecture, revision, releasedAt }' });
    }
    if (typeof rev !== 'number' || !byKey.has(`${name}/${rev}`)) return void problems.push({ path: `${at}.revision`, message: 'must name a revision listed in revisions' });
    const key = `${name} ${channel} ${architecture}`;
    if (seen.has(key)) return void problems.push({ path: at, message: `${key} appears twice` });
    seen.add(key);
    channels.push({ name, channel, architecture, revision: rev, releasedAt });
  });
  const assertions = list(raw.assertions, 'assertions', problems).filter((a, i) => ok(typeof a === 'string' && a.startsWith('type: ') && a.length <= ASSERTION_LIMIT, `assertions[${i}]`, 'must be the text of one assertion', problems)) as string[];
  if (problems.length > 0) throw invalid('MANIFEST_INVALID', 'snap catalog', problems);
  return { version: 1, store: raw.store as string, architectures, keepRevisions: keep as number, requested, revisions, channels, assertions };
}

function revision(item: unknown, at: string, problems: FieldProblem[]): CatalogRevision | undefined {
  if (!isRecord(item)) return void problems.push({ path: at, message: 'must be an object' });
  const before = problems.length;
  const text = (key: string, required = false): string => {
    const v = item[key];
    if (typeof v !== 'string' || v.length > TEXT_LIMIT || (required && v === '')) problems.push({ path: `${at}.${key}`, message: 'must be text' });
    return typeof v === 'string' ? v : '';
  };
  const name = text('name', true);
  if (!isSnapName(name)) problems.push({ path: `${at}.name`, message: 'must be a snap name' });
  const snapId = text('snapId', true);
  if (!SNAP_ID_RE.test(snapId)) problems.push({ path: `${at}.snapId`, message: 'must be a snap-id' });
  const rev = item.revision;
  const size = item.size;
  if (typeof rev !== 'number' || !Number.isSafeInteger(rev) || rev < 1) problems.push({ path: `${at}.revision`, message: 'must be a revision number' });
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) problems.push({ path: `${at}.size`, message: 'must be a byte count' });
  if (!isDigest(item.digest)) problems.push({ path: `${at}.digest`, message: 'must be a sha256 digest' });
  const sha3 = text('sha3', true);
  if (!/^[0-9a-f]{96}$/.test(sha3)) problems.push({ path: `${at}.sha3`, message: 'must be a hex SHA3-384' });
  const strings = (key: string): string[] => {
    const v = item[key];
    if (!Array.isArray(v) || v.length > 64 || v.some((s) => typeof s !== 'string' || !/^[a-z0-9-]{1,40}$/.test(s))) {
      problems.push({ path: `${at}.${key}`, message: 'must be a list of names' });
      return [];
    }
    return v as string[];
  };
  const architectures = strings('architectures');
  const prerequisites = strings('prerequisites');
  const epoch = isRecord(item.epoch) ? item.epoch : undefined;
  const numbers = (v: unknown): number[] | undefined => (Array.isArray(v) && v.length <= 64 && v.every((n) => Number.isSafeInteger(n) && n >= 0) ? (v as number[]) : undefined);
  const read = numbers(epoch?.read);
  const write = numbers(epoch?.write);
  if (!read || !write) problems.push({ path: `${at}.epoch`, message: 'must be { read: [n…], write: [n…] }' });
  const publisher = isRecord(item.publisher) ? item.publisher : {};
  if (typeof publisher.id !== 'string' || typeof publisher.username !== 'string' || typeof publisher.displayName !== 'string') problems.push({ path: `${at}.publisher`, message: 'must be { id, username, displayName }' });
  const fields = {
    version: text('version', true),
    type: text('type', true),
    base: text('base'),
    confinement: text('confinement', true),
    summary: text('summary'),
    title: text('title'),
    description: text('description'),
    license: text('license'),
    snapYaml: text('snapYaml'),
    createdAt: text('createdAt'),
  };
  if (!['strict', 'classic', 'devmode'].includes(fields.confinement)) problems.push({ path: `${at}.confinement`, message: 'must be strict, classic or devmode' });
  if (!/^[a-z]{1,16}$/.test(fields.type)) problems.push({ path: `${at}.type`, message: 'must be a snap type' });
  if (problems.length > before) return undefined;
  return {
    name,
    snapId,
    revision: rev as number,
    architectures,
    ...fields,
    epoch: { read: read as number[], write: write as number[] },
    publisher: { id: publisher.id as string, username: publisher.username as string, displayName: publisher.displayName as string },
    digest: item.digest as CatalogRevision['digest'],
    size: size as number,
    sha3,
    prerequisites,
  };
}

function isSnapName(v: unknown): v is string {
  return typeof v === 'string' && v.length <= 40 && SNAP_NAME_RE.test(v);
}

function list(v: unknown, at: string, problems: FieldProblem[]): unknown[] {
  if (!Array.isArray(v) || v.length > MAX_ITEMS) {
    problems.push({ path: at, message: 'must be a list' });
    return [];
  }
  return v;
}

function ok(cond: boolean, path: string, message: string, problems: FieldProblem[]): boolean {
  if (!cond) problems.push({ path, message });
  return cond;
}
