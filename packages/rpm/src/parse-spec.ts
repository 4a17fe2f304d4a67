import { resolve } from 'node:path';
import { invalid, specFields, type FieldProblem } from '@airlock/core';
import { parseRequest } from './dependency.js';
import type { PackageRequest, RpmSpec } from './types.js';

const SPEC_KEYS = ['type', 'name', 'url', 'gpgkey', 'repoGpgcheck', 'gpgcheck', 'insecure', 'packages', 'dependencies', 'arch', 'repodataCompression'];

/** Validates one `rpm` config entry, listing every bad field (CONFIG_INVALID). */
export function parseRpmSpec(input: unknown, at: string, configDir: string): RpmSpec {
  const { raw, problems, field } = specFields(input, 'rpm', at, SPEC_KEYS);
  const url = parseBaseUrl(raw.url);
  if (url === undefined) problems.push({ path: field('url'), message: 'must be the http:// or https:// URL of the repo (the directory holding repodata/)' });

  const gpgkey = stringList(raw.gpgkey, field('gpgkey'), problems).map((p) => resolve(configDir, p));
  const insecure = raw.insecure ?? false;
  if (typeof insecure !== 'boolean') problems.push({ path: field('insecure'), message: 'must be true or false' });
  const repoGpgcheck = raw.repoGpgcheck ?? insecure !== true;
  if (typeof repoGpgcheck !== 'boolean') problems.push({ path: field('repoGpgcheck'), message: 'must be true or false' });
  const gpgcheck = raw.gpgcheck ?? false;
  if (typeof gpgcheck !== 'boolean') problems.push({ path: field('gpgcheck'), message: 'must be true or false' });
  checkVerification({ gpgkey, insecure, repoGpgcheck, gpgcheck, raw, field, problems });
  const dependencies = raw.dependencies ?? true;
  if (typeof dependencies !== 'boolean') problems.push({ path: field('dependencies'), message: 'must be true or false' });
  const arch = raw.arch === undefined ? undefined : stringList(raw.arch, field('arch'), problems);
  arch?.forEach((a, i) => {
    if (!/^[A-Za-z0-9_]{1,32}$/.test(a)) problems.push({ path: `${field('arch')}[${i}]`, message: 'must be an rpm arch such as x86_64 or noarch' });
  });
  const repodataCompression = raw.repodataCompression ?? 'gz';
  if (repodataCompression !== 'gz' && repodataCompression !== 'zst') problems.push({ path: field('repodataCompression'), message: 'must be "gz" (EL7-compatible, the default) or "zst"' });
  const packages = raw.packages === undefined ? undefined : parsePackages(raw.packages, field('packages'), problems);

  if (problems.length > 0) throw invalid('CONFIG_INVALID', `rpm source ${typeof raw.name === 'string' ? JSON.stringify(raw.name) : at}`, problems);
  return {
    type: 'rpm',
    name: raw.name as string,
    url: url as string,
    gpgkey,
    repoGpgcheck: repoGpgcheck as boolean,
    gpgcheck: gpgcheck as boolean,
    insecure: insecure as boolean,
    ...(packages ? { packages } : {}),
    dependencies: dependencies as boolean,
    ...(arch ? { arch } : {}),
    repodataCompression: repodataCompression as 'gz' | 'zst',
  };
}

/**
 * A source is verified unless the operator says `insecure: true`: repomd.xml.asc checked against
 * gpgkey (repoGpgcheck, the default), or each package's own signature (gpgcheck), or both. An
 * unverified mirror would be re-signed with the site key, and clients' repo_gpgcheck would then
 * vouch for whatever the network served.
 */
function checkVerification(o: { gpgkey: string[]; insecure: unknown; repoGpgcheck: unknown; gpgcheck: unknown; raw: Record<string, unknown>; field: (k: string) => string; problems: FieldProblem[] }): void {
  const { gpgkey, insecure, repoGpgcheck, gpgcheck, raw, field, problems } = o;
  if (insecure === true) {
    const contradicts = raw.gpgkey !== undefined ? 'gpgkey' : repoGpgcheck === true ? 'repoGpgcheck: true' : gpgcheck === true ? 'gpgcheck: true' : undefined;
    if (contradicts) problems.push({ path: field('insecure'), message: `insecure: true and ${contradicts} contradict each other: keep the verification (and drop insecure) or remove it` });
    return;
  }
  if (insecure !== false) return;
  if (gpgkey.length === 0 && raw.gpgkey === undefined) {
    problems.push({
      path: field('gpgkey'),
      message: "required: the upstream repo's public key(s) (a path or list of paths), so repomd.xml (or each package) is verified; set insecure: true only to mirror this repo unverified",
    });
  }
  if (repoGpgcheck === false && gpgcheck !== true) {
    problems.push({ path: field('repoGpgcheck'), message: "repoGpgcheck: false leaves repomd.xml unverified: set gpgcheck: true to verify each package's signature instead, or insecure: true to accept that" });
  }
}

function parsePackages(raw: unknown, at: string, problems: FieldProblem[]): PackageRequest[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    problems.push({ path: at, message: 'must be a non-empty list such as [docker-ce, "containerd.io >= 1.6"] (omit it to mirror the whole repo)' });
    return [];
  }
  return raw.flatMap((item: unknown, i) => {
    const dependency = typeof item === 'string' ? parseRequest(item) : undefined;
    if (dependency) return [{ text: item as string, dependency }];
    problems.push({ path: `${at}[${i}]`, message: 'must be a package name, optionally with a constraint: "name >= 1.6", "name = 1:2.0-3"' });
    return [];
  });
}

function stringList(raw: unknown, at: string, problems: FieldProblem[]): string[] {
  if (raw === undefined) return [];
  const items: unknown[] = Array.isArray(raw) ? raw : [raw];
  if (items.length === 0 || items.some((i) => typeof i !== 'string' || i === '' || i.includes('\0'))) {
    problems.push({ path: at, message: 'must be a non-empty string or a list of them' });
    return [];
  }
  return items as string[];
}

function parseBaseUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    return url.toString();
  } catch {
    return undefined;
  }
}

