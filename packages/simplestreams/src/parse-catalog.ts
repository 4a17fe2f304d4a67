import { invalid, isDigest, isRecord, type FieldProblem } from '@airlock/core';
import { metadataPathReason } from './conformance/index-file.js';
import { CONTENT_ID_RE } from './fetch-stream.js';
import { VERSION_RE } from './parse-custom.js';
import { unsafePathReason } from './safe-path.js';
import type { SimplestreamsCatalog } from './types.js';
import { isSupportDate, parseUpdated } from './updated.js';

const MAX_PROBLEMS = 100;
const NAME_RE = /^[^\x00-\x1f\x7f]{1,300}$/;
const HEX_RE = /^[0-9a-f]{64}$/;
const FINGERPRINT_RE = /^[0-9A-F]{40}$/;

type Report = (path: string, message: string) => void;

/**
 * Validates a simplestreams catalog read back from a bundle. Until reverify has matched it against
 * the signed upstream documents it is attacker-controlled, and publish writes where it says, so
 * every name, path and number is checked here (MANIFEST_INVALID listing every problem).
 */
export function parseSimplestreamsCatalog(raw: unknown): SimplestreamsCatalog {
  const problems: FieldProblem[] = [];
  const report: Report = (path, message) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ path, message });
  };
  if (!isRecord(raw)) throw invalid('MANIFEST_INVALID', 'simplestreams catalog', [{ path: '', message: 'must be an object' }]);
  known(raw, ['version', 'mirror', 'keyring', 'insecure', 'max', 'bootloaderMax', 'documents', 'versions', 'custom'], '', report);
  if (raw.version !== 1) report('version', 'must be 1');
  if (typeof raw.mirror !== 'string' || !/^https?:\/\//.test(raw.mirror)) report('mirror', 'must be the upstream mirror URL');
  if (raw.keyring !== null && (typeof raw.keyring !== 'string' || !raw.keyring.includes('BEGIN PGP PUBLIC KEY BLOCK'))) report('keyring', 'must be an armored public keyring or null');
  if (typeof raw.insecure !== 'boolean') report('insecure', 'must be true or false');
  if (raw.keyring === null && raw.insecure !== true) report('keyring', 'may be null only when insecure is true');
  for (const key of ['max', 'bootloaderMax']) if (!Number.isSafeInteger(raw[key]) || (raw[key] as number) < 1 || (raw[key] as number) > 100) report(key, 'must be a whole number from 1 to 100');
  const digests = checkDocuments(raw.documents, report);
  const paths = new Map<string, string>();
  const versions = list(raw.versions, 'versions', report);
  const custom = list(raw.custom, 'custom', report);
  versions.forEach((v, i) => checkVersion(v, `versions[${i}]`, digests, paths, report));
  custom.forEach((v, i) => checkCustom(v, `custom[${i}]`, paths, report));
  unique(versions, (v) => [v.contentId, v.product, v.version], 'versions', report);
  unique(custom, (v) => [v.product, v.version], 'custom', report);
  if (problems.length > 0) {
    if (problems.length === MAX_PROBLEMS) problems.push({ path: '', message: 'more problems were not listed' });
    throw invalid('MANIFEST_INVALID', 'simplestreams catalog', problems);
  }
  return raw as unknown as SimplestreamsCatalog;
}

function checkDocuments(raw: unknown, report: Report): Map<string, string | null> {
  const digests = new Map<string, string | null>();
  let currentIndexes = 0;
  const currentContent = new Set<string>();
  list(raw, 'documents', report).forEach((d, i) => {
    const at = `documents[${i}]`;
    if (!isRecord(d)) return report(at, 'must be an object');
    known(d, ['role', 'contentId', 'path', 'digest', 'size', 'signer', 'updated', 'current'], at, report);
    if (d.role !== 'index' && d.role !== 'products') report(`${at}.role`, 'must be index or products');
    if (d.role === 'index' ? d.contentId !== null : typeof d.contentId !== 'string' || !CONTENT_ID_RE.test(d.contentId)) report(`${at}.contentId`, 'must be a content id (null for the index)');
    if (metadataPathReason(d.path) !== undefined) report(`${at}.path`, 'must be a path under streams/');
    if (!isDigest(d.digest)) report(`${at}.digest`, 'must be sha256:<64 hex>');
    else if (digests.has(d.digest)) report(`${at}.digest`, 'is listed twice');
    else digests.set(d.digest, typeof d.contentId === 'string' ? d.contentId : null);
    if (!Number.isSafeInteger(d.size) || (d.size as number) < 0) report(`${at}.size`, 'must be a whole number of bytes');
    if (d.signer !== null && (typeof d.signer !== 'string' || !FINGERPRINT_RE.test(d.signer))) report(`${at}.signer`, 'must be a fingerprint or null');
    if (parseUpdated(d.updated) === undefined) report(`${at}.updated`, 'must be a simplestreams date');
    if (typeof d.current !== 'boolean') report(`${at}.current`, 'must be true or false');
    if (d.current === true && d.role === 'index') currentIndexes++;
    if (d.current === true && typeof d.contentId === 'string') {
      if (currentContent.has(d.contentId)) report(`${at}.contentId`, 'two current documents for one content id');
      currentContent.add(d.contentId);
    }
    if (d.role === 'index' && d.current !== true) report(`${at}.current`, 'the index is always current');
  });
  if (currentIndexes !== 1) report('documents', 'must hold exactly one index');
  return digests;
}

function checkVersion(v: unknown, at: string, digests: Map<string, string | null>, paths: Map<string, string>, report: Report): void {
  if (!isRecord(v)) return report(at, 'must be an object');
  known(v, ['contentId', 'kind', 'product', 'version', 'document', 'items'], at, report);
  if (v.kind !== 'images' && v.kind !== 'bootloaders') report(`${at}.kind`, 'must be images or bootloaders');
  for (const key of ['product', 'version']) if (typeof v[key] !== 'string' || !NAME_RE.test(v[key] as string)) report(`${at}.${key}`, 'must be a name');
  if (typeof v.document !== 'string' || !digests.has(v.document)) report(`${at}.document`, 'must be the digest of a carried products document');
  else if (digests.get(v.document) !== v.contentId) report(`${at}.contentId`, 'must be the content id of its document');
  checkItems(v.items, at, paths, report);
}

function checkCustom(v: unknown, at: string, paths: Map<string, string>, report: Report): void {
  if (!isRecord(v)) return report(at, 'must be an object');
  known(v, ['product', 'os', 'release', 'title', 'arch', 'version', 'supportEol', 'items'], at, report);
  for (const key of ['product', 'os', 'release', 'title', 'arch']) if (typeof v[key] !== 'string' || !NAME_RE.test(v[key] as string)) report(`${at}.${key}`, 'must be a name');
  if (typeof v.version !== 'string' || !VERSION_RE.test(v.version)) report(`${at}.version`, 'must be a version name');
  if (v.supportEol !== null && !isSupportDate(v.supportEol)) report(`${at}.supportEol`, 'must be YYYY-MM-DD or null');
  checkItems(v.items, at, paths, report);
  const names = Array.isArray(v.items) ? (v.items as Array<Record<string, unknown>>).map((i) => (isRecord(i) ? i.name : undefined)).sort() : [];
  if (names.join() !== 'manifest,root-tgz') report(`${at}.items`, 'a custom image has exactly the items manifest and root-tgz');
}

function checkItems(raw: unknown, at: string, paths: Map<string, string>, report: Report): void {
  const items = list(raw, `${at}.items`, report);
  if (items.length === 0) report(`${at}.items`, 'must not be empty');
  const names = new Set<unknown>();
  items.forEach((item, i) => {
    const ia = `${at}.items[${i}]`;
    if (!isRecord(item)) return report(ia, 'must be an object');
    known(item, ['name', 'ftype', 'path', 'sha256', 'size'], ia, report);
    for (const key of ['name', 'ftype']) if (typeof item[key] !== 'string' || !NAME_RE.test(item[key] as string)) report(`${ia}.${key}`, 'must be a name');
    if (names.has(item.name)) report(`${ia}.name`, 'is listed twice');
    names.add(item.name);
    const reason = unsafePathReason(item.path);
    if (reason !== undefined) report(`${ia}.path`, reason);
    if (typeof item.sha256 !== 'string' || !HEX_RE.test(item.sha256)) report(`${ia}.sha256`, 'must be 64 lowercase hex digits');
    if (!Number.isSafeInteger(item.size) || (item.size as number) < 0) report(`${ia}.size`, 'must be a whole number of bytes');
    if (typeof item.path === 'string') {
      const identity = `${String(item.sha256)} ${String(item.size)}`;
      const seen = paths.get(item.path);
      if (seen !== undefined && seen !== identity) report(`${ia}.path`, `${item.path} is listed with two different sha256/size values`);
      paths.set(item.path, identity);
    }
  });
}

/** One entry per (content id,) product and version: publish writes each once. */
function unique(entries: unknown[], identity: (v: Record<string, unknown>) => unknown[], at: string, report: Report): void {
  const seen = new Set<string>();
  entries.forEach((v, i) => {
    if (!isRecord(v)) return;
    const key = JSON.stringify(identity(v));
    if (seen.has(key)) report(`${at}[${i}]`, 'this product version is listed twice');
    seen.add(key);
  });
}

function list(raw: unknown, at: string, report: Report): unknown[] {
  if (Array.isArray(raw)) return raw;
  report(at, 'must be a list');
  return [];
}

function known(obj: Record<string, unknown>, keys: string[], at: string, report: Report): void {
  for (const key of Object.keys(obj)) if (!keys.includes(key)) report(at ? `${at}.${key}` : key, 'unknown key');
}
