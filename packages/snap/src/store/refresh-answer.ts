import { AirlockError, isRecord } from '@airlock/core';
import { SNAP_ID_RE } from '../snap-id.js';
import type { SnapRevisionFacts } from '../types.js';

const SHA3_HEX = /^[0-9a-f]{96}$/;
const TEXT_LIMIT = 256 * 1024;

export interface StoreSnap extends SnapRevisionFacts {
  effectiveChannel: string;
  download: { url: string; sha3: string; size: number };
}

/** Reads the store's answer to one download action (attacker-controlled JSON); coded errors name the snap. */
export function readDownloadAnswer(answer: unknown, request: string, architecture: string): StoreSnap {
  const results = isRecord(answer) && Array.isArray(answer.results) ? answer.results : undefined;
  const result = results?.[0];
  if (!isRecord(result)) throw invalid(request, 'the store answered without a result');
  if (result.result === 'error') throw storeError(result, request, architecture);
  if (result.result !== 'download' || !isRecord(result.snap)) throw invalid(request, `the store answered ${JSON.stringify(String(result.result)).slice(0, 40)}, not download`);
  const s = result.snap;
  const download = isRecord(s.download) ? s.download : {};
  const snap: StoreSnap = {
    snapId: text(s['snap-id'] ?? result['snap-id'], 'snap-id', request),
    name: text(s.name ?? result.name, 'name', request),
    revision: count(s.revision, 'revision', request),
    effectiveChannel: typeof result['effective-channel'] === 'string' ? result['effective-channel'].slice(0, 200) : '',
    architectures: Array.isArray(s.architectures) ? s.architectures.filter((a): a is string => typeof a === 'string' && /^[a-z0-9]{1,16}$/.test(a)) : ['all'],
    version: text(s.version, 'version', request),
    type: optional(s.type) || 'app',
    base: optional(s.base),
    confinement: optional(s.confinement) || 'strict',
    epoch: epochOf(s.epoch),
    summary: optional(s.summary),
    title: optional(s.title),
    description: optional(s.description),
    license: optional(s.license),
    snapYaml: optional(s['snap-yaml']),
    createdAt: optional(s['created-at']),
    download: { url: text(download.url, 'download.url', request), sha3: text(download['sha3-384'], 'download.sha3-384', request), size: count(download.size, 'download.size', request) },
  };
  if (!SNAP_ID_RE.test(snap.snapId)) throw invalid(request, `snap-id ${JSON.stringify(snap.snapId)} is malformed`);
  if (!SHA3_HEX.test(snap.download.sha3)) throw invalid(request, 'download.sha3-384 is not a hex SHA3-384');
  if (!/^https?:\/\//.test(snap.download.url)) throw invalid(request, 'download.url is not an http(s) URL');
  return snap;
}

function storeError(result: Record<string, unknown>, request: string, architecture: string): AirlockError {
  const error = isRecord(result.error) ? result.error : {};
  const code = typeof error.code === 'string' ? error.code : 'unknown';
  const message = typeof error.message === 'string' ? error.message.slice(0, 500) : '';
  const extra = isRecord(error.extra) && Array.isArray(error.extra.releases) ? error.extra.releases : [];
  const releases = extra.filter(isRecord).map((r) => `${String(r.channel)} (${String(r.architecture)})`);
  if (code === 'revision-not-found') {
    const exists = releases.length > 0 ? `; it is released in: ${releases.join(', ')}` : '; it has no release at all';
    return new AirlockError('SOURCE_NOT_FOUND', `${request} has no release for ${architecture}${exists}. Change its channel or architectures`, { details: { request, architecture, code, releases } });
  }
  if (code === 'name-not-found' || code === 'id-not-found') {
    return new AirlockError('SOURCE_NOT_FOUND', `the store knows no snap ${request}: check the name (${message || code})`, { details: { request, code } });
  }
  return new AirlockError('UPSTREAM_INVALID', `the store refused ${request}: ${code} ${message}`, { details: { request, code } });
}

function text(value: unknown, name: string, request: string): string {
  if (typeof value !== 'string' || value === '' || value.length > TEXT_LIMIT) throw invalid(request, `${name} is missing`);
  return value;
}

function optional(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, TEXT_LIMIT) : '';
}

function count(value: unknown, name: string, request: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw invalid(request, `${name} is not a whole number`);
  return value;
}

function epochOf(value: unknown): { read: number[]; write: number[] } {
  const list = (v: unknown): number[] => (Array.isArray(v) ? v.filter((n): n is number => Number.isSafeInteger(n) && n >= 0).slice(0, 64) : [0]);
  return isRecord(value) ? { read: list(value.read), write: list(value.write) } : { read: [0], write: [0] };
}

function invalid(request: string, reason: string): AirlockError {
  return new AirlockError('UPSTREAM_INVALID', `snap store answer for ${request}: ${reason}`);
}
