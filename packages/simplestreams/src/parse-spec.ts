import { resolve } from 'node:path';
import { invalid, specFields, type FieldProblem } from '@airlock/core';
import { parseCustomImages } from './parse-custom.js';
import { parseFilter, type Filter } from './filters.js';
import type { SimplestreamsSpec } from './types.js';

const KEYS = ['type', 'name', 'url', 'keyring', 'insecure', 'filters', 'max', 'bootloaders', 'custom'];
const INDEX_PATH = /streams\/v1\/index\.s?json$/;

/** Validates one `simplestreams` config entry, listing every bad field (CONFIG_INVALID). */
export function parseSimplestreamsSpec(raw: unknown, at: string, configDir: string): SimplestreamsSpec {
  const { raw: r, problems, field } = specFields(raw, 'simplestreams', at, KEYS);
  const insecure = r.insecure === true;
  if (r.insecure !== undefined && typeof r.insecure !== 'boolean') problems.push({ path: field('insecure'), message: 'must be true or false' });
  const urls = parseUrl(r.url);
  if (urls === undefined) problems.push({ path: field('url'), message: 'must be the http(s) URL of a mirror root (…/stable/) or of its streams/v1/index.sjson' });
  else if (urls.index.endsWith('.json') && !insecure) problems.push({ path: field('url'), message: 'an index.json URL is unsigned: use the index.sjson URL (or the mirror root), or set insecure: true' });
  const keyringOk = typeof r.keyring === 'string' && r.keyring !== '' && !r.keyring.includes('\0');
  if (r.keyring !== undefined ? !keyringOk : !insecure) problems.push({ path: field('keyring'), message: 'must be the path of the stream signing keyring (binary or armored), e.g. ubuntu-cloudimage-keyring.gpg; only insecure: true may omit it' });
  const filters = parseFilters(r.filters, field('filters'), problems);
  const max = parseMax(r.max, field('max'), problems);
  const bootloaders = parseBootloaders(r.bootloaders, field('bootloaders'), problems);
  const custom = parseCustomImages(r.custom, field('custom'), configDir, problems);
  if (problems.length > 0) throw invalid('CONFIG_INVALID', `simplestreams source ${typeof r.name === 'string' ? JSON.stringify(r.name) : at}`, problems);
  const spec: SimplestreamsSpec = {
    type: 'simplestreams',
    name: r.name as string,
    mirror: urls!.mirror,
    index: urls!.index,
    insecure,
    filters,
    max,
    bootloaders,
    custom,
  };
  if (keyringOk) spec.keyring = resolve(configDir, r.keyring as string);
  return spec;
}

function parseUrl(value: unknown): { mirror: string; index: string } | undefined {
  if (typeof value !== 'string') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') return undefined;
  const text = url.toString();
  if (INDEX_PATH.test(url.pathname)) return { mirror: text.replace(INDEX_PATH, ''), index: text };
  const mirror = text.endsWith('/') ? text : `${text}/`;
  return { mirror, index: `${mirror}streams/v1/index.sjson` };
}

export function parseFilters(raw: unknown, at: string, problems: FieldProblem[]): Filter[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.push({ path: at, message: 'must be a list of filters like arch=amd64 or "release~(jammy|noble)"' });
    return [];
  }
  const filters: Filter[] = [];
  raw.forEach((item: unknown, i) => {
    const parsed = typeof item === 'string' ? parseFilter(item) : 'must be a string such as arch=amd64';
    if (typeof parsed === 'string') problems.push({ path: `${at}[${i}]`, message: parsed });
    else filters.push(parsed);
  });
  return filters;
}

export function parseMax(raw: unknown, at: string, problems: FieldProblem[]): number {
  if (raw === undefined) return 1;
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 1 || raw > 100) {
    problems.push({ path: at, message: 'must be a whole number from 1 to 100 (the newest N versions of each product)' });
    return 1;
  }
  return raw;
}

function parseBootloaders(raw: unknown, at: string, problems: FieldProblem[]): SimplestreamsSpec['bootloaders'] {
  if (raw === undefined || raw === true) return { filters: [], max: 1 };
  if (raw === false) return false;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push({ path: at, message: 'must be true, false, or {filters: [...], max: N}' });
    return false;
  }
  const r = raw as Record<string, unknown>;
  for (const key of Object.keys(r)) if (key !== 'filters' && key !== 'max') problems.push({ path: `${at}.${key}`, message: 'unknown key (allowed: filters, max)' });
  return { filters: parseFilters(r.filters, `${at}.filters`, problems), max: parseMax(r.max, `${at}.max`, problems) };
}
