import { isRecord, invalid, isDigest, isAirlockError, type FieldProblem } from '@airlock/core';
import { readPackageEntry } from './package-entry.js';
import type { AptCatalog } from './types.js';

const MAX_PROBLEMS = 100;
const SUITE_RE = /^(?:\.\/|\/|[A-Za-z0-9][A-Za-z0-9._\-]*(?:\/[A-Za-z0-9._\-]+)*\/?)$/;
const WORD_RE = /^[a-z0-9][a-z0-9._\-]*$/;

/**
 * Validates an apt catalog read back from a bundle. It is attacker-controlled until reverify has
 * matched it against the upstream signature, and publish writes where it says, so every path and
 * stanza is checked here (MANIFEST_INVALID listing every problem, up to MAX_PROBLEMS).
 */
export function parseAptCatalog(raw: unknown): AptCatalog {
  const problems: FieldProblem[] = [];
  const report = (path: string, message: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push({ path, message });
  };
  if (!isRecord(raw)) throw invalid('MANIFEST_INVALID', 'apt catalog', [{ path: '', message: 'must be an object' }]);
  for (const key of Object.keys(raw)) if (!['version', 'keyring', 'byHash', 'dists'].includes(key)) report(key, 'unknown key');
  if (raw.version !== 1) report('version', 'must be 1');
  if (typeof raw.keyring !== 'string' || !raw.keyring.includes('BEGIN PGP PUBLIC KEY BLOCK')) report('keyring', 'must be an armored public keyring');
  if (typeof raw.byHash !== 'boolean') report('byHash', 'must be true or false');
  const dists = Array.isArray(raw.dists) ? (raw.dists as unknown[]) : [];
  if (!Array.isArray(raw.dists) || dists.length === 0) report('dists', 'must be a non-empty list');
  const suites = new Set<string>();
  const pool = new Map<string, string>();
  dists.forEach((dist, d) => {
    const at = `dists[${d}]`;
    if (!isRecord(dist)) return report(at, 'must be an object');
    for (const key of Object.keys(dist)) if (!['suite', 'flat', 'release', 'indexes'].includes(key)) report(`${at}.${key}`, 'unknown key');
    const suite = dist.suite;
    if (typeof suite !== 'string' || !SUITE_RE.test(suite) || suite.split('/').includes('..')) return report(`${at}.suite`, 'must be a suite name or a flat path');
    const where = publishedDir(suite);
    if (suites.has(where)) report(`${at}.suite`, `${JSON.stringify(suite)} would be published where another suite is`);
    suites.add(where);
    const flat = suite.endsWith('/');
    if (dist.flat !== flat) report(`${at}.flat`, `must be ${flat} for suite ${JSON.stringify(suite)}`);
    checkRelease(dist.release, `${at}.release`, report);
    const indexes = Array.isArray(dist.indexes) ? (dist.indexes as unknown[]) : [];
    if (!Array.isArray(dist.indexes)) report(`${at}.indexes`, 'must be a list');
    const paths = new Set<string>();
    indexes.forEach((index, i) => {
      const ia = `${at}.indexes[${i}]`;
      if (!isRecord(index)) return report(ia, 'must be an object');
      for (const key of Object.keys(index)) if (!['component', 'architecture', 'path', 'digest', 'size', 'stanzas'].includes(key)) report(`${ia}.${key}`, 'unknown key');
      const { component, architecture, path } = index;
      const okNames = flat ? component === '' && architecture === '' : typeof component === 'string' && WORD_RE.test(component) && typeof architecture === 'string' && WORD_RE.test(architecture);
      if (!okNames) return report(ia, flat ? 'a flat index has empty component and architecture' : 'component and architecture must be plain names');
      const base = flat ? 'Packages' : `${component as string}/binary-${architecture as string}/Packages`;
      if (typeof path !== 'string' || !['', '.gz', '.xz'].some((ext) => path === base + ext)) return report(`${ia}.path`, `must be ${base}, ${base}.gz or ${base}.xz`);
      if (paths.has(base)) report(`${ia}.path`, `a second index for ${base}`);
      paths.add(base);
      if (!isDigest(index.digest)) report(`${ia}.digest`, 'must be sha256:<64 lowercase hex>');
      if (!Number.isSafeInteger(index.size) || (index.size as number) < 0) report(`${ia}.size`, 'must be a whole number of bytes');
      if (!Array.isArray(index.stanzas)) return report(`${ia}.stanzas`, 'must be a list of stanza texts');
      (index.stanzas as unknown[]).forEach((stanza, s) => checkStanza(stanza, `${ia}.stanzas[${s}]`, pool, report));
    });
  });
  if (problems.length > 0) {
    if (problems.length === MAX_PROBLEMS) problems.push({ path: '', message: 'more problems were not listed' });
    throw invalid('MANIFEST_INVALID', 'apt catalog', problems);
  }
  return raw as unknown as AptCatalog;
}

function checkRelease(release: unknown, at: string, report: (path: string, message: string) => void): void {
  if (!isRecord(release)) return report(at, 'must be an object');
  if (release.kind === 'inrelease') {
    if (typeof release.text !== 'string' || Object.keys(release).length !== 2) report(at, 'an InRelease must be { kind, text }');
  } else if (release.kind === 'detached') {
    const ok = typeof release.text === 'string' && typeof release.signatureBase64 === 'string' && /^[A-Za-z0-9+/=]+$/.test(release.signatureBase64) && Object.keys(release).length === 3;
    if (!ok) report(at, 'a detached Release must be { kind, text, signatureBase64 }');
  } else report(`${at}.kind`, 'must be "inrelease" or "detached"');
}

function checkStanza(stanza: unknown, at: string, pool: Map<string, string>, report: (path: string, message: string) => void): void {
  if (typeof stanza !== 'string' || stanza.includes('\n\n') || stanza.trim() === '' || /\n\s*\n/.test(stanza)) return report(at, 'must be one non-empty stanza');
  try {
    const entry = readPackageEntry(stanza, at);
    const identity = `${entry.sha256} ${entry.size}`;
    const seen = pool.get(entry.filename);
    if (seen !== undefined && seen !== identity) report(at, `${entry.filename} appears with two different SHA256/Size values`);
    pool.set(entry.filename, identity);
  } catch (err) {
    report(at, isAirlockError(err) ? err.message : String(err));
  }
}


/** Where a suite's Release lands relative to the source root: flat `./` and `/` are the root itself. */
export function publishedDir(suite: string): string {
  return suite.endsWith('/') ? suite.replace(/^\.?\//, '') : `dists/${suite}`;
}
