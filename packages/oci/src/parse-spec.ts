import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { invalid, isRecord, reportUnknownKeys, specFields, type FieldProblem } from '@airlock/core';
import { readImageList } from './image-list-file.js';
import { PLATFORM_RE } from './platform.js';
import { parseImageReference, REPO_RE, TAG_RE } from './reference.js';
import type { ImageSpec, OciSpec } from './types.js';

const SPEC_KEYS = ['type', 'name', 'images', 'platforms', 'auth', 'insecureRegistries', 'prefix'];
const IMAGE_KEYS = ['image', 'tags', 'rename', 'prefix'];

/** Validates one `oci` config entry, listing every bad field (CONFIG_INVALID). */
export function parseOciSpec(input: unknown, at: string, configDir: string): OciSpec {
  const { raw, problems, field } = specFields(input, 'oci', at, SPEC_KEYS);
  const prefix = parsePrefix(raw.prefix, field('prefix'), problems);
  const imageLists: Array<{ field: string; path: string }> = [];
  const images = parseImages(raw.images, field('images'), configDir, problems, imageLists);
  const platforms = stringList(raw.platforms, field('platforms'), problems, (p) => PLATFORM_RE.test(p), 'must be os/arch or os/arch/variant, e.g. linux/arm64/v8');
  const insecureRegistries = stringList(raw.insecureRegistries, field('insecureRegistries'), problems, (h) => /^[A-Za-z0-9.\-:[\]]+$/.test(h), 'must be a host or host:port');
  const authFile = parseAuth(raw.auth, field('auth'), configDir, problems);
  if (problems.length > 0) throw invalid('CONFIG_INVALID', `oci source ${typeof raw.name === 'string' ? JSON.stringify(raw.name) : at}`, problems);
  return {
    type: 'oci',
    name: raw.name as string,
    images,
    platforms,
    insecureRegistries,
    ...(authFile === undefined ? {} : { authFile }),
    ...(prefix === undefined ? {} : { prefix }),
    ...(imageLists.length > 0 ? { imageLists } : {}),
  };
}

/**
 * `images` is a list of references (or mappings), and `{ fromFile: PATH }` (as the list itself or
 * as one of its items) reads more references from an image list file.
 */
function parseImages(raw: unknown, at: string, configDir: string, problems: FieldProblem[], lists: Array<{ field: string; path: string }>): ImageSpec[] {
  const items = isRecord(raw) && 'fromFile' in raw ? [raw] : raw;
  if (!Array.isArray(items) || items.length === 0) {
    problems.push({ path: at, message: 'must be a non-empty list of image references, or { fromFile: PATH } naming an image list file' });
    return [];
  }
  const images: ImageSpec[] = [];
  const single = !Array.isArray(raw);
  items.forEach((item: unknown, i) => {
    const here = single ? at : `${at}[${i}]`;
    if (isRecord(item) && 'fromFile' in item) {
      reportUnknownKeys(item, ['fromFile'], here, problems);
      const list = readImageList(item.fromFile, `${here}.fromFile`, configDir, problems);
      if (list) lists.push({ field: `${here}.fromFile`, path: list.path });
      for (const listed of list?.images ?? []) {
        const image = parseImage(listed.text, listed.at, configDir, problems);
        if (image) images.push({ ...image, field: listed.at });
      }
      return;
    }
    const image = parseImage(item, here, configDir, problems);
    if (image) images.push({ ...image, field: here });
  });
  return images;
}

function parseImage(raw: unknown, at: string, configDir: string, problems: FieldProblem[]): ImageSpec | undefined {
  const item = typeof raw === 'string' ? { image: raw } : isRecord(raw) ? raw : undefined;
  if (!item) {
    problems.push({ path: at, message: 'must be an image reference or a { image, tags?, rename?, prefix? } mapping' });
    return undefined;
  }
  const before = problems.length;
  reportUnknownKeys(item, IMAGE_KEYS, at, problems);
  const text = item.image;
  const where = typeof raw === 'string' ? at : `${at}.image`;
  if (typeof text !== 'string' || text === '') {
    problems.push({ path: where, message: 'must be an image reference, oci-layout:PATH[:TAG] or docker-archive:PATH' });
    return undefined;
  }
  const rename = item.rename === undefined ? undefined : typeof item.rename === 'string' && REPO_RE.test(item.rename) ? item.rename : bad(problems, `${at}.rename`, 'must be a repository path (lowercase, e.g. team/app)');
  const prefix = parsePrefix(item.prefix, `${at}.prefix`, problems);
  let tagPattern: string | undefined;
  if (item.tags !== undefined) {
    if (typeof item.tags === 'string' && compiles(item.tags)) tagPattern = item.tags;
    else problems.push({ path: `${at}.tags`, message: 'must be a regular expression matched against whole tags' });
  }
  const base = { text, ...(rename === undefined ? {} : { rename }), ...(prefix === undefined ? {} : { prefix }) };
  const local = /^(oci-layout|docker-archive):(.+)$/.exec(text);
  if (local) {
    const kind = local[1] as 'oci-layout' | 'docker-archive';
    let path = local[2] as string;
    let tag: string | undefined;
    const colon = path.lastIndexOf(':');
    if (kind === 'oci-layout' && colon >= 0 && TAG_RE.test(path.slice(colon + 1))) {
      tag = path.slice(colon + 1);
      path = path.slice(0, colon);
    }
    if (tagPattern !== undefined) problems.push({ path: `${at}.tags`, message: 'applies to registry images only' });
    if (problems.length > before) return undefined;
    return { ...base, kind, location: resolve(configDir, path), repository: '', ...(tag === undefined ? {} : { tag }) };
  }
  const ref = parseImageReference(text);
  if (!ref) problems.push({ path: where, message: 'is not a valid image reference ([host[:port]/]path[:tag][@sha256:…])' });
  if (ref?.digest && !ref.tag) problems.push({ path: where, message: 'a pinned digest needs its tag too (name:tag@sha256:…), so the site can serve the tag' });
  if (ref?.tag && tagPattern !== undefined) problems.push({ path: `${at}.tags`, message: 'give either a tag in the reference or a tags filter, not both' });
  if (!ref || problems.length > before) return undefined;
  return {
    ...base,
    kind: 'registry',
    location: ref.host,
    repository: ref.repository,
    ...(ref.tag === undefined ? {} : { tag: ref.tag }),
    ...(ref.digest === undefined ? {} : { pinned: ref.digest }),
    ...(tagPattern === undefined ? {} : { tagPattern }),
  };
}

function parsePrefix(raw: unknown, at: string, problems: FieldProblem[]): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string' && REPO_RE.test(raw)) return raw;
  return bad(problems, at, 'must be a repository path prefix (lowercase, e.g. mirror or team/base)');
}

function parseAuth(raw: unknown, at: string, configDir: string, problems: FieldProblem[]): string | undefined {
  if (raw === undefined) return undefined;
  if (!isRecord(raw) || typeof raw.file !== 'string' || raw.file === '' || Object.keys(raw).some((k) => k !== 'file')) {
    return bad(problems, at, 'must be { file: PATH } naming a docker config.json');
  }
  const file = raw.file.startsWith('~/') ? resolve(homedir(), raw.file.slice(2)) : resolve(configDir, raw.file);
  return file;
}

function stringList(raw: unknown, at: string, problems: FieldProblem[], ok: (s: string) => boolean, message: string): string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.push({ path: at, message: 'must be a list' });
    return [];
  }
  const result: string[] = [];
  raw.forEach((item, i) => {
    if (typeof item === 'string' && ok(item)) result.push(item);
    else problems.push({ path: `${at}[${i}]`, message });
  });
  return result;
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

function bad(problems: FieldProblem[], path: string, message: string): undefined {
  problems.push({ path, message });
  return undefined;
}
