import { basename } from 'node:path';
import { isRecord, invalid, isDigest, type FieldProblem } from '@airlock/core';
import { isSafeHref } from './repomd.js';
import type { RpmCatalog } from './types.js';

const MAX_PROBLEMS = 100;
const KEYS = ['version', 'url', 'gpgkeys', 'repoGpgcheck', 'gpgcheck', 'repomd', 'repomdAsc', 'metadata', 'packages', 'unsatisfied', 'repodataCompression'];
const PACKAGE_KEYS = ['name', 'arch', 'epoch', 'version', 'release', 'href', 'digest', 'size'];
const METADATA_KEYS = ['type', 'href', 'digest', 'size'];

/**
 * Validates an rpm catalog read back from a bundle (attacker-controlled until reverify: publish
 * writes file names it holds). MANIFEST_INVALID lists every problem, up to MAX_PROBLEMS.
 */
export function parseRpmCatalog(raw: unknown): RpmCatalog {
  const problems: FieldProblem[] = [];
  const report = (path: string, message: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push({ path, message });
  };
  if (!isRecord(raw)) throw invalid('MANIFEST_INVALID', 'rpm catalog', [{ path: '', message: 'must be an object' }]);
  for (const key of Object.keys(raw)) if (!KEYS.includes(key)) report(key, 'unknown key');
  if (raw.version !== 1) report('version', 'must be 1');
  if (typeof raw.url !== 'string') report('url', 'must be a string');
  if (!Array.isArray(raw.gpgkeys) || raw.gpgkeys.some((k) => typeof k !== 'string')) report('gpgkeys', 'must be a list of strings');
  if (typeof raw.repoGpgcheck !== 'boolean') report('repoGpgcheck', 'must be a boolean');
  if (raw.gpgcheck !== undefined && typeof raw.gpgcheck !== 'boolean') report('gpgcheck', 'must be a boolean');
  if (typeof raw.repomd !== 'string' || !/^[A-Za-z0-9+/=]+$/.test(raw.repomd)) report('repomd', 'must be base64');
  if (raw.repomdAsc !== null && (typeof raw.repomdAsc !== 'string' || !/^[A-Za-z0-9+/=]+$/.test(raw.repomdAsc))) report('repomdAsc', 'must be base64 or null');
  if (raw.repoGpgcheck === true && raw.repomdAsc === null) report('repomdAsc', 'is required when repoGpgcheck is on');
  if (raw.repodataCompression !== 'gz' && raw.repodataCompression !== 'zst') report('repodataCompression', 'must be "gz" or "zst"');
  if (!Array.isArray(raw.unsatisfied)) report('unsatisfied', 'must be a list');

  const metadata = Array.isArray(raw.metadata) ? (raw.metadata as unknown[]) : [];
  if (!Array.isArray(raw.metadata)) report('metadata', 'must be a list');
  metadata.forEach((m, i) => {
    const at = `metadata[${i}]`;
    if (!isRecord(m)) return report(at, 'must be an object');
    for (const key of Object.keys(m)) if (!METADATA_KEYS.includes(key)) report(`${at}.${key}`, 'unknown key');
    if (typeof m.type !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(m.type)) report(`${at}.type`, 'must be a metadata type');
    if (typeof m.href !== 'string' || !isSafeHref(m.href)) report(`${at}.href`, 'must be a relative path inside the repo');
    checkBlob(m, at, report);
  });
  if (!metadata.some((m) => isRecord(m) && m.type === 'primary')) report('metadata', 'must include the primary metadata');

  const packages = Array.isArray(raw.packages) ? (raw.packages as unknown[]) : [];
  if (!Array.isArray(raw.packages)) report('packages', 'must be a list');
  const names = new Set<string>();
  packages.forEach((p, i) => {
    const at = `packages[${i}]`;
    if (!isRecord(p)) return report(at, 'must be an object');
    for (const key of Object.keys(p)) if (!PACKAGE_KEYS.includes(key)) report(`${at}.${key}`, 'unknown key');
    for (const key of ['name', 'arch', 'epoch', 'version', 'release']) if (typeof p[key] !== 'string' || p[key] === '') report(`${at}.${key}`, 'must be a non-empty string');
    if (typeof p.href !== 'string' || !isSafeHref(p.href) || !p.href.endsWith('.rpm')) return report(`${at}.href`, 'must be a relative path ending in .rpm');
    const name = basename(p.href);
    if (names.has(name)) report(`${at}.href`, `${JSON.stringify(name)} appears more than once`);
    names.add(name);
    checkBlob(p, at, report);
  });

  if (problems.length > 0) {
    if (problems.length === MAX_PROBLEMS) problems.push({ path: '', message: 'more problems were not listed' });
    throw invalid('MANIFEST_INVALID', 'rpm catalog', problems);
  }
  return raw as unknown as RpmCatalog;
}

function checkBlob(item: Record<string, unknown>, at: string, report: (path: string, message: string) => void): void {
  if (!isDigest(item.digest)) report(`${at}.digest`, 'must be sha256:<64 lowercase hex>');
  if (!Number.isSafeInteger(item.size) || (item.size as number) < 0) report(`${at}.size`, 'must be a whole number of bytes');
}
