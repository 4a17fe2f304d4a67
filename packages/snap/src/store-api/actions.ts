import { isRecord } from '@airlock/core';
import { fallbackRisks, fullChannel, parseChannel } from '../channel.js';
import type { IndexRevision } from '../publication-index.js';
import type { ServedSource } from './served-snaps.js';
import { storeSnap } from './store-json.js';

interface Urls {
  download: string;
  assertions: string;
}

/** Answers the `actions` of one POST /v2/snaps/refresh (attacker-controlled JSON) from the publication. */
export function answerActions(source: ServedSource, body: Record<string, unknown>, architecture: string, urls: Urls): Record<string, unknown>[] {
  const context = new Map<string, Record<string, unknown>>();
  for (const c of Array.isArray(body.context) ? body.context : []) if (isRecord(c) && typeof c['instance-key'] === 'string') context.set(c['instance-key'], c);
  const actions = Array.isArray(body.actions) ? body.actions.filter(isRecord).slice(0, 1000) : [];
  const results: Record<string, unknown>[] = [];
  for (const action of actions) {
    const result = answerOne(source, action, context, architecture, urls);
    if (result) results.push(result);
  }
  return results;
}

function answerOne(source: ServedSource, action: Record<string, unknown>, context: Map<string, Record<string, unknown>>, architecture: string, urls: Urls): Record<string, unknown> | undefined {
  const kind = action.action;
  const instanceKey = typeof action['instance-key'] === 'string' ? action['instance-key'] : '';
  if (kind === 'fetch-assertions') return fetchAssertions(source, action, urls);
  if (kind !== 'install' && kind !== 'download' && kind !== 'refresh') return undefined;
  const current = context.get(instanceKey);
  const snapId = typeof action['snap-id'] === 'string' ? action['snap-id'] : typeof current?.['snap-id'] === 'string' ? current['snap-id'] : undefined;
  const name = typeof action.name === 'string' ? action.name : undefined;
  const known = source.revisions.filter((r) => (name !== undefined ? r.name === name : r['snap-id'] === snapId));
  const label = name ?? known[0]?.name ?? '';
  if (known.length === 0) {
    const code = name !== undefined ? 'name-not-found' : 'id-not-found';
    return { result: 'error', 'instance-key': instanceKey, name: label, ...(snapId ? { 'snap-id': snapId } : {}), error: { code, message: name !== undefined ? `No snap named '${name}' found in series '16'.` : `No snap with id '${snapId ?? ''}' found.` } };
  }
  const revision = typeof action.revision === 'number' ? action.revision : undefined;
  const channelText = typeof action.channel === 'string' && action.channel !== '' ? action.channel : typeof current?.['tracking-channel'] === 'string' ? current['tracking-channel'] : 'stable';
  const picked = revision !== undefined ? pickRevision(known, revision, architecture) : pickChannel(known, channelText, architecture);
  const first = known[0] as IndexRevision;
  if (!picked) {
    const releases = known.flatMap((r) => r.channels.map((c) => ({ architecture: c.architecture, channel: c.channel })));
    const what = revision !== undefined ? `revision ${revision}` : `channel ${channelText}`;
    return {
      result: 'error',
      'instance-key': instanceKey,
      name: first.name,
      'snap-id': first['snap-id'],
      error: { code: 'revision-not-found', message: `No revision of '${first.name}' for ${what} on ${architecture}.`, extra: { releases } },
    };
  }
  return {
    result: kind,
    'instance-key': instanceKey,
    'snap-id': picked.r['snap-id'],
    name: picked.r.name,
    'effective-channel': picked.channel,
    'redirect-channel': '',
    snap: storeSnap(picked.r, urls.download),
  };
}

function applies(r: IndexRevision, architecture: string): boolean {
  return r.architectures.includes('all') || r.architectures.includes(architecture);
}

function pickRevision(known: IndexRevision[], revision: number, architecture: string): { r: IndexRevision; channel: string } | undefined {
  const r = known.find((x) => x.revision === revision && applies(x, architecture));
  return r ? { r, channel: '' } : undefined;
}

/** The store's channel choice: the requested risk, else the next more stable one of the same track. */
function pickChannel(known: IndexRevision[], text: string, architecture: string): { r: IndexRevision; channel: string } | undefined {
  const wanted = parseChannel(text);
  if (!wanted) return undefined;
  for (const risk of fallbackRisks(wanted.risk)) {
    const full = fullChannel({ track: wanted.track, risk, branch: risk === wanted.risk ? wanted.branch : '' });
    for (const r of known) {
      if (r.channels.some((c) => c.channel === full && c.architecture === architecture)) return { r, channel: full };
    }
  }
  // A pinned revision, carried without a channel, is what the default channel offers.
  if (fullChannel(wanted) === 'latest/stable') {
    const pinned = known.filter((r) => r.channels.length === 0 && r.requested && applies(r, architecture)).sort((a, b) => b.revision - a.revision)[0];
    if (pinned) return { r: pinned, channel: 'latest/stable' };
  }
  return undefined;
}

/** Bulk assertion refresh: stream URLs for what the publication holds newer than the device, not-found for the rest. */
function fetchAssertions(source: ServedSource, action: Record<string, unknown>, urls: Urls): Record<string, unknown> | undefined {
  const streamUrls: string[] = [];
  const errors: Record<string, unknown>[] = [];
  for (const a of Array.isArray(action.assertions) ? action.assertions.filter(isRecord).slice(0, 1000) : []) {
    const key = Array.isArray(a['primary-key']) ? a['primary-key'].map(String) : [];
    const type = typeof a.type === 'string' ? a.type : '';
    const ref = [type, ...key].join('/');
    const held = source.assertions.get(ref);
    if (!held) {
      errors.push({ code: 'not-found', message: 'not found', type, 'primary-key': key });
      continue;
    }
    const newerThan = typeof a['if-newer-than'] === 'number' ? a['if-newer-than'] : -1;
    if (held.revision > newerThan) streamUrls.push(`${urls.assertions}/${ref.split('/').map(encodeURIComponent).join('/')}`);
  }
  if (streamUrls.length === 0 && errors.length === 0) return undefined;
  return { result: 'fetch-assertions', key: typeof action.key === 'string' ? action.key : '', 'assertion-stream-urls': streamUrls, 'error-list': errors };
}
