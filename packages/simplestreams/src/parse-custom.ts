import { resolve } from 'node:path';
import { isRecord, type FieldProblem } from '@airlock/core';
import { isSupportDate } from './updated.js';
import type { CustomImageSpec } from './types.js';

const KEYS = ['name', 'title', 'arch', 'file', 'manifest', 'version', 'supportEol'];
const OS_RE = /^[a-z][a-z0-9-]{0,31}$/;
const RELEASE_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const ARCH_RE = /^[a-z0-9][a-z0-9_-]{0,31}$/;
export const VERSION_RE = /^[A-Za-z0-9][A-Za-z0-9._+~-]{0,63}$/;

/** Validates the `custom:` list of a simplestreams source. */
export function parseCustomImages(raw: unknown, at: string, configDir: string, problems: FieldProblem[]): CustomImageSpec[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.push({ path: at, message: 'must be a list of custom images ({name: os/release, arch, file, …})' });
    return [];
  }
  const images: CustomImageSpec[] = [];
  const seen = new Set<string>();
  raw.forEach((entry: unknown, i) => {
    const here = `${at}[${i}]`;
    if (!isRecord(entry)) return problems.push({ path: here, message: 'must be a mapping' });
    const before = problems.length;
    for (const key of Object.keys(entry)) if (!KEYS.includes(key)) problems.push({ path: `${here}.${key}`, message: `unknown key (allowed: ${KEYS.join(', ')})` });
    const [os = '', release = '', extra] = typeof entry.name === 'string' ? entry.name.split('/') : [];
    if (!OS_RE.test(os) || !RELEASE_RE.test(release) || extra !== undefined || os === 'ubuntu' || os === 'custom') {
      problems.push({ path: `${here}.name`, message: 'must be <os>/<release> as MAAS shows it, e.g. rhel/9 (not ubuntu/… or custom/…)' });
    }
    if (entry.title !== undefined && (typeof entry.title !== 'string' || !/^[^\x00-\x1f]{1,100}$/.test(entry.title))) problems.push({ path: `${here}.title`, message: 'must be one line of text' });
    if (typeof entry.arch !== 'string' || !ARCH_RE.test(entry.arch)) problems.push({ path: `${here}.arch`, message: 'must be an architecture such as amd64 or arm64' });
    for (const key of ['file', 'manifest'] as const) {
      const value = entry[key];
      if ((key === 'file' || value !== undefined) && (typeof value !== 'string' || value === '' || value.includes('\0'))) {
        problems.push({ path: `${here}.${key}`, message: key === 'file' ? 'must be the path of the root tarball (.tar.gz)' : 'must be the path of a package list' });
      }
    }
    if (entry.version !== undefined && (typeof entry.version !== 'string' || !VERSION_RE.test(entry.version))) problems.push({ path: `${here}.version`, message: 'must be a version name such as 20250101_01' });
    if (entry.supportEol !== undefined && !isSupportDate(entry.supportEol)) problems.push({ path: `${here}.supportEol`, message: 'must be a date YYYY-MM-DD' });
    const identity = `${os}/${release}/${String(entry.arch)}`;
    if (seen.has(identity)) problems.push({ path: `${here}.name`, message: `${os}/${release} for ${String(entry.arch)} is listed twice` });
    seen.add(identity);
    if (problems.length > before) return;
    const image: CustomImageSpec = {
      os,
      release,
      title: typeof entry.title === 'string' ? entry.title : `${os} ${release}`,
      arch: entry.arch as string,
      file: resolve(configDir, entry.file as string),
    };
    if (typeof entry.manifest === 'string') image.manifest = resolve(configDir, entry.manifest);
    if (typeof entry.version === 'string') image.version = entry.version;
    if (typeof entry.supportEol === 'string') image.supportEol = entry.supportEol;
    images.push(image);
  });
  return images;
}
