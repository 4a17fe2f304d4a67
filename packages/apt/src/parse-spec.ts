import { resolve } from 'node:path';
import { invalid, specFields, type FieldProblem } from '@airlock/core';
import { parseRelations, type Relation } from './relations.js';
import type { AptSpec } from './types.js';

const KEYS = ['type', 'name', 'url', 'suites', 'components', 'architectures', 'keyring', 'packages', 'dependencies', 'recommends', 'suggests', 'allowExpired', 'byHash'];
const SUITE_RE = /^(?:\.\/|\/|[A-Za-z0-9][A-Za-z0-9._\-]*(?:\/[A-Za-z0-9._\-]+)*\/?)$/;
const WORD_RE = /^[a-z0-9][a-z0-9._\-]*$/;

/** Validates one `apt` config entry, listing every bad field (CONFIG_INVALID). */
export function parseAptSpec(raw: unknown, at: string, configDir: string): AptSpec {
  const { raw: r, problems, field } = specFields(raw, 'apt', at, KEYS);
  const url = parseUrl(r.url);
  if (url === undefined) problems.push({ path: field('url'), message: 'must be an http:// or https:// URL of the archive root' });

  const suites = stringList(r.suites, field('suites'), problems, (s) => SUITE_RE.test(s) && !s.split('/').includes('..'), 'a suite name like "jammy" or a flat path like "./"');
  if (suites.includes('./') && suites.includes('/')) problems.push({ path: field('suites'), message: '"./" and "/" are the same flat repository' });
  const flatOnly = suites.length > 0 && suites.every(isFlat);
  const components = r.components === undefined && flatOnly ? [] : stringList(r.components, field('components'), problems, (s) => WORD_RE.test(s), 'a component like "main"');
  const architectures = stringList(r.architectures, field('architectures'), problems, (s) => WORD_RE.test(s) && s !== 'all', 'a Debian architecture like "amd64"');
  if (typeof r.keyring !== 'string' || r.keyring === '' || r.keyring.includes('\0')) problems.push({ path: field('keyring'), message: 'must be the path of the upstream archive keyring (binary or armored)' });
  const packages = parsePackages(r.packages, field('packages'), problems);
  const flags = ['dependencies', 'recommends', 'suggests', 'allowExpired', 'byHash'] as const;
  for (const flag of flags) if (r[flag] !== undefined && typeof r[flag] !== 'boolean') problems.push({ path: field(flag), message: 'must be true or false' });

  if (problems.length > 0) throw invalid('CONFIG_INVALID', `apt source ${typeof r.name === 'string' ? JSON.stringify(r.name) : at}`, problems);
  const spec: AptSpec = {
    type: 'apt',
    name: r.name as string,
    url: url as string,
    suites,
    components,
    architectures,
    keyring: resolve(configDir, r.keyring as string),
    dependencies: r.dependencies !== false,
    recommends: r.recommends === true,
    suggests: r.suggests === true,
    allowExpired: r.allowExpired === true,
    byHash: r.byHash === true,
  };
  if (packages !== undefined) spec.packages = packages;
  return spec;
}

export function isFlat(suite: string): boolean {
  return suite.endsWith('/');
}

function parseUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    if (url.search !== '' || url.hash !== '') return undefined;
    return url.toString().endsWith('/') ? url.toString() : `${url.toString()}/`;
  } catch {
    return undefined;
  }
}

function stringList(raw: unknown, at: string, problems: FieldProblem[], ok: (s: string) => boolean, what: string): string[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    problems.push({ path: at, message: `must be a non-empty list, each ${what}` });
    return [];
  }
  const seen = new Set<string>();
  raw.forEach((item: unknown, i) => {
    if (typeof item !== 'string' || !ok(item)) problems.push({ path: `${at}[${i}]`, message: `must be ${what}` });
    else if (seen.has(item)) problems.push({ path: `${at}[${i}]`, message: `${JSON.stringify(item)} is listed twice` });
    else seen.add(item);
  });
  return [...seen];
}

function parsePackages(raw: unknown, at: string, problems: FieldProblem[]): Relation[] | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw) || raw.length === 0) {
    problems.push({ path: at, message: 'must be a non-empty list of package names, optionally with a constraint: "nfs-common (>= 1:2.6)" (omit it to mirror whole suites)' });
    return undefined;
  }
  const relations: Relation[] = [];
  raw.forEach((item: unknown, i) => {
    const parsed = typeof item === 'string' && !item.includes(',') && !item.includes('|') ? parseRelations(item) : undefined;
    const relation = parsed?.bad.length === 0 && parsed.groups.length === 1 ? parsed.groups[0]?.[0] : undefined;
    if (relation === undefined) problems.push({ path: `${at}[${i}]`, message: 'must be a package name, optionally with one version constraint like "(>= 1:2.6)"' });
    else relations.push(relation);
  });
  return relations;
}
