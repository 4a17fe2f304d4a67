import { resolve } from 'node:path';
import { invalid, isRecord, reportUnknownKeys, specFields, type Digest, type FieldProblem } from '@airlock/core';
import { fileNameProblem, relativePathProblem } from './tree-paths.js';
import type { FilesSpec, FilesUrlSource } from './types.js';

const SPEC_KEYS = ['type', 'name', 'path', 'urls'];
const URL_KEYS = ['url', 'sha256', 'path'];

/** Validates one `files` config entry, listing every bad field (CONFIG_INVALID). */
export function parseFilesSpec(input: unknown, at: string, configDir: string): FilesSpec {
  const { raw, problems, field } = specFields(input, 'files', at, SPEC_KEYS);
  if (raw.path === undefined && raw.urls === undefined) problems.push({ path: at, message: 'give "path" (files or directories), "urls", or both' });

  const paths = parsePaths(raw.path, field('path'), configDir, problems);
  const urls = parseUrls(raw.urls, field('urls'), problems);
  if (problems.length > 0) throw invalid('CONFIG_INVALID', `files source ${typeof raw.name === 'string' ? JSON.stringify(raw.name) : at}`, problems);
  return { type: 'files', name: raw.name as string, path: paths, urls };
}

function parsePaths(raw: unknown, at: string, configDir: string, problems: FieldProblem[]): string[] {
  if (raw === undefined) return [];
  const single = !Array.isArray(raw);
  const items: unknown[] = Array.isArray(raw) ? raw : [raw];
  if (items.length === 0) problems.push({ path: at, message: 'must be a path or a non-empty list of paths' });
  return items.flatMap((item, i) => {
    if (typeof item === 'string' && item !== '' && !item.includes('\0')) return [resolve(configDir, item)];
    problems.push({ path: single ? at : `${at}[${i}]`, message: 'must be a non-empty path' });
    return [];
  });
}

function parseUrls(raw: unknown, at: string, problems: FieldProblem[]): FilesUrlSource[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || raw.length === 0) {
    problems.push({ path: at, message: 'must be a non-empty list of URLs or { url, sha256?, path? } mappings' });
    return [];
  }
  const parsed: FilesUrlSource[] = [];
  raw.forEach((item: unknown, i) => {
    const source = parseUrlItem(item, `${at}[${i}]`, problems);
    if (source) parsed.push(source);
  });
  return parsed;
}

function parseUrlItem(raw: unknown, at: string, problems: FieldProblem[]): FilesUrlSource | undefined {
  const item: Record<string, unknown> | undefined = typeof raw === 'string' ? { url: raw } : isRecord(raw) ? raw : undefined;
  if (item === undefined) {
    problems.push({ path: at, message: 'must be a URL or a { url, sha256?, path? } mapping' });
    return undefined;
  }
  const before = problems.length;
  reportUnknownKeys(item, URL_KEYS, at, problems);
  const url = parseHttpUrl(item.url);
  if (url === undefined) problems.push({ path: typeof raw === 'string' ? at : `${at}.url`, message: 'must be an http:// or https:// URL' });
  const sha256 = parseSha256(item.sha256);
  if (item.sha256 !== undefined && sha256 === undefined) problems.push({ path: `${at}.sha256`, message: 'must be 64 hex digits, optionally prefixed with "sha256:"' });
  const path = item.path === undefined ? nameFromUrl(url, at, problems) : checkedPath(item.path, `${at}.path`, problems);
  if (problems.length > before || url === undefined || path === undefined) return undefined;
  return sha256 === undefined ? { url: url.toString(), path } : { url: url.toString(), sha256, path };
}

function parseHttpUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function parseSha256(value: unknown): Digest | undefined {
  if (typeof value !== 'string') return undefined;
  const hex = value.toLowerCase().replace(/^sha256:/, '');
  return /^[0-9a-f]{64}$/.test(hex) ? `sha256:${hex}` : undefined;
}

/** The target name is the decoded last URL path segment, which must be a plain file name. */
function nameFromUrl(url: URL | undefined, at: string, problems: FieldProblem[]): string | undefined {
  if (url === undefined) return undefined;
  const last = url.pathname.split('/').pop() ?? '';
  let name: string;
  try {
    name = decodeURIComponent(last);
  } catch {
    name = '';
  }
  const problem = fileNameProblem(name);
  if (problem === undefined) return name;
  problems.push({ path: `${at}.path`, message: `the URL does not end in a usable file name (${JSON.stringify(name)} ${problem}); give "path"` });
  return undefined;
}

function checkedPath(value: unknown, at: string, problems: FieldProblem[]): string | undefined {
  const problem = relativePathProblem(value);
  if (problem === undefined) return value as string;
  problems.push({ path: at, message: `${problem} (a relative path inside the published tree)` });
  return undefined;
}

