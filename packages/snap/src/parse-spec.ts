import { resolve } from 'node:path';
import { invalid, isRecord, reportUnknownKeys, specFields, type FieldProblem } from '@airlock/core';
import { fullChannel, parseChannel } from './channel.js';
import type { SnapRequest, SnapSpec } from './types.js';

const SPEC_KEYS = ['type', 'name', 'store', 'architectures', 'snaps', 'prerequisites', 'trustedRoots', 'keepRevisions'];
const SNAP_KEYS = ['name', 'channel', 'revision'];
export const SNAP_NAME_RE = /^(?=.*[a-z])[a-z0-9](?:-?[a-z0-9])*$/;
export const ARCHITECTURES = ['amd64', 'arm64', 'armhf', 'i386', 'ppc64el', 's390x', 'riscv64'];
export const DEFAULT_KEEP_REVISIONS = 2;

/** Validates one `snap` config entry, listing every bad field (CONFIG_INVALID). */
export function parseSnapSpec(input: unknown, at: string, configDir: string): SnapSpec {
  const { raw, problems, field } = specFields(input, 'snap', at, SPEC_KEYS);
  const store = raw.store === undefined ? 'https://api.snapcraft.io' : raw.store;
  if (typeof store !== 'string' || !/^https?:\/\/[^\s/?#]+(?:\/[^\s?#]*)?$/.test(store)) problems.push({ path: field('store'), message: 'must be an http(s) URL of a snap store API, e.g. https://api.snapcraft.io' });
  const architectures = raw.architectures === undefined ? ['amd64'] : raw.architectures;
  if (!Array.isArray(architectures) || architectures.length === 0 || architectures.some((a) => typeof a !== 'string' || !ARCHITECTURES.includes(a))) {
    problems.push({ path: field('architectures'), message: `must be a non-empty list of ${ARCHITECTURES.join(', ')}` });
  }
  const snaps: SnapRequest[] = [];
  if (!Array.isArray(raw.snaps) || raw.snaps.length === 0) problems.push({ path: field('snaps'), message: 'must be a non-empty list of { name, channel? | revision? }' });
  else raw.snaps.forEach((item, i) => {
    const parsed = parseRequest(item, `${field('snaps')}[${i}]`, problems);
    if (parsed && snaps.some((s) => s.name === parsed.name)) problems.push({ path: `${field('snaps')}[${i}].name`, message: `${parsed.name} is listed twice` });
    else if (parsed) snaps.push(parsed);
  });
  if (raw.prerequisites !== undefined && typeof raw.prerequisites !== 'boolean') problems.push({ path: field('prerequisites'), message: 'must be true or false' });
  if (raw.trustedRoots !== undefined && (typeof raw.trustedRoots !== 'string' || raw.trustedRoots === '')) problems.push({ path: field('trustedRoots'), message: 'must be the path of an .assert file holding root account-key and account assertions' });
  const keep = raw.keepRevisions ?? DEFAULT_KEEP_REVISIONS;
  if (typeof keep !== 'number' || !Number.isInteger(keep) || keep < 1 || keep > 100) problems.push({ path: field('keepRevisions'), message: 'must be a whole number from 1 to 100' });
  if (problems.length > 0) throw invalid('CONFIG_INVALID', `snap source ${typeof raw.name === 'string' ? JSON.stringify(raw.name) : at}`, problems);
  return {
    type: 'snap',
    name: raw.name as string,
    store: (store as string).replace(/\/+$/, ''),
    architectures: [...new Set(architectures as string[])],
    snaps,
    prerequisites: raw.prerequisites !== false,
    ...(typeof raw.trustedRoots === 'string' ? { trustedRoots: resolve(configDir, raw.trustedRoots) } : {}),
    keepRevisions: keep as number,
  };
}

function parseRequest(raw: unknown, at: string, problems: FieldProblem[]): SnapRequest | undefined {
  const item = typeof raw === 'string' ? { name: raw } : raw;
  if (!isRecord(item)) {
    problems.push({ path: at, message: 'must be a snap name or { name, channel? | revision? }' });
    return undefined;
  }
  const before = problems.length;
  reportUnknownKeys(item, SNAP_KEYS, at, problems);
  if (typeof item.name !== 'string' || item.name.length > 40 || !SNAP_NAME_RE.test(item.name)) problems.push({ path: `${at}.name`, message: 'must be a snap name (lowercase letters, digits and single hyphens)' });
  if (item.channel !== undefined && item.revision !== undefined) problems.push({ path: at, message: 'give a channel or a revision, not both' });
  const channel = item.channel === undefined ? undefined : typeof item.channel === 'string' ? parseChannel(item.channel) : undefined;
  if (item.channel !== undefined && !channel) problems.push({ path: `${at}.channel`, message: 'must be track/risk[/branch] with risk stable, candidate, beta or edge, e.g. 3.5/stable' });
  const revision = item.revision;
  if (revision !== undefined && (typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < 1)) problems.push({ path: `${at}.revision`, message: 'must be a store revision number (1 or more)' });
  if (problems.length > before) return undefined;
  if (revision !== undefined) return { name: item.name as string, revision: revision as number };
  return { name: item.name as string, channel: channel ? fullChannel(channel) : 'latest/stable' };
}
