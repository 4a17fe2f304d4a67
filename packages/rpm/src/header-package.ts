import { AirlockError, type Digest } from '@airlock/core';
import { formatEvr, parseEvr, rpmvercmp } from './vercmp.js';
import type { RpmHeaders } from './rpm-header.js';
import { TAG, SIGTAG, SENSE_PRE, FILE_GHOST } from './rpm-tags.js';
import type { Dependency } from './types.js';

export interface PackageFile {
  path: string;
  type: 'file' | 'dir' | 'ghost';
}

export interface ChangelogEntry {
  author: string;
  date: number;
  text: string;
}

/** Everything repodata says about one package, read from its RPM headers. */
export interface PackageMeta {
  name: string;
  arch: string;
  epoch: string;
  version: string;
  release: string;
  digest: Digest;
  summary: string;
  description: string;
  packager: string;
  url: string;
  buildTime: number;
  packageSize: number;
  installedSize: number;
  archiveSize: number;
  href: string;
  license: string;
  vendor: string;
  group: string;
  buildHost: string;
  sourceRpm: string;
  headerStart: number;
  headerEnd: number;
  deps: Record<DependencyKind, Dependency[]>;
  files: PackageFile[];
  changelogs: ChangelogEntry[];
}

export type DependencyKind = 'provides' | 'requires' | 'conflicts' | 'obsoletes' | 'suggests' | 'enhances' | 'recommends' | 'supplements';

const DEP_TAGS: Record<DependencyKind, [number, number, number]> = {
  provides: [TAG.PROVIDENAME, TAG.PROVIDEFLAGS, TAG.PROVIDEVERSION],
  requires: [TAG.REQUIRENAME, TAG.REQUIREFLAGS, TAG.REQUIREVERSION],
  conflicts: [TAG.CONFLICTNAME, TAG.CONFLICTFLAGS, TAG.CONFLICTVERSION],
  obsoletes: [TAG.OBSOLETENAME, TAG.OBSOLETEFLAGS, TAG.OBSOLETEVERSION],
  suggests: [TAG.SUGGESTNAME, TAG.SUGGESTFLAGS, TAG.SUGGESTVERSION],
  enhances: [TAG.ENHANCENAME, TAG.ENHANCEFLAGS, TAG.ENHANCEVERSION],
  recommends: [TAG.RECOMMENDNAME, TAG.RECOMMENDFLAGS, TAG.RECOMMENDVERSION],
  supplements: [TAG.SUPPLEMENTNAME, TAG.SUPPLEMENTFLAGS, TAG.SUPPLEMENTVERSION],
};

/** createrepo_c's default --changelog-limit. */
const CHANGELOG_LIMIT = 10;
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;

/** Builds the repodata view of a package from its headers; `digest`, size and href come from the vault and catalog. */
export function packageMeta(headers: RpmHeaders, blob: { digest: Digest; size: number; href: string }): PackageMeta {
  const { main, signature } = headers;
  const text = (tag: number): string => main.string(tag) ?? '';
  const name = text(TAG.NAME);
  if (!name || !main.string(TAG.VERSION)) throw new AirlockError('UPSTREAM_INVALID', `${blob.href} has no name or version in its RPM header`);
  const files = filesOf(headers);
  const deps = Object.fromEntries(Object.entries(DEP_TAGS).map(([kind, tags]) => [kind, dependencies(headers, tags)])) as Record<DependencyKind, Dependency[]>;
  deps.requires = cleanRequires(deps.requires, files);
  return {
    name,
    arch: main.string(TAG.SOURCERPM) === undefined ? 'src' : text(TAG.ARCH),
    epoch: String(main.number(TAG.EPOCH) ?? 0),
    version: text(TAG.VERSION),
    release: text(TAG.RELEASE),
    digest: blob.digest,
    summary: text(TAG.SUMMARY),
    description: text(TAG.DESCRIPTION),
    packager: text(TAG.PACKAGER),
    url: text(TAG.URL),
    buildTime: main.number(TAG.BUILDTIME) ?? 0,
    packageSize: blob.size,
    installedSize: main.number(TAG.LONGSIZE) ?? main.number(TAG.SIZE) ?? 0,
    archiveSize: main.number(TAG.LONGARCHIVESIZE) ?? main.number(TAG.ARCHIVESIZE) ?? signature.number(SIGTAG.LONGARCHIVESIZE) ?? signature.number(SIGTAG.PAYLOADSIZE) ?? 0,
    href: blob.href,
    license: text(TAG.LICENSE),
    vendor: text(TAG.VENDOR),
    group: text(TAG.GROUP),
    buildHost: text(TAG.BUILDHOST),
    sourceRpm: text(TAG.SOURCERPM),
    headerStart: headers.headerStart,
    headerEnd: headers.headerEnd,
    deps,
    files,
    changelogs: changelogsOf(headers),
  };
}

function dependencies({ main }: RpmHeaders, [nameTag, flagsTag, versionTag]: [number, number, number]): Dependency[] {
  const names = main.strings(nameTag) ?? [];
  const flags = main.numbers(flagsTag) ?? [];
  const versions = main.strings(versionTag) ?? [];
  return names.map((name, i) => {
    const version = versions[i] ?? '';
    const bits = flags[i] ?? 0;
    const dep: Dependency = { name, flags: version ? bits & 0xe : 0 };
    if (version) dep.evr = parseEvr(version);
    if (bits & SENSE_PRE) dep.pre = true;
    return dep;
  });
}

/**
 * createrepo_c 0.17's requires filter (parsehdr.c): no rpmlib() requires, none on the package's
 * own primary files, no repeat of the previous identical entry for a name, and of the libc.so.6
 * requires only the highest GLIBC version, listed last. (Later createrepo_c releases also drop
 * requires on names the package provides itself; 0.17 keeps them, and so does airlock.)
 */
function cleanRequires(requires: Dependency[], files: PackageFile[]): Dependency[] {
  const ownPrimary = new Set(files.filter((f) => isPrimaryFile(f.path)).map((f) => f.path));
  const previous = new Map<string, string>();
  const out: Dependency[] = [];
  let libc: Dependency | undefined;
  for (const r of requires) {
    if (r.name.startsWith('rpmlib(') || ownPrimary.has(r.name)) continue;
    const key = `${r.flags}\0${r.evr ? formatEvr(r.evr) : ''}\0${r.pre === true}`;
    if (previous.get(r.name) === key) continue;
    if (r.name.startsWith('libc.so.6')) {
      if (!libc || rpmvercmp(glibcVersion(r.name), glibcVersion(libc.name)) > 0) libc = r;
      continue;
    }
    out.push(r);
    previous.set(r.name, key);
  }
  return libc ? [...out, libc] : out;
}

function glibcVersion(name: string): string {
  return /GLIBC_([0-9.]+)/.exec(name)?.[1] ?? '';
}

function filesOf({ main }: RpmHeaders): PackageFile[] {
  const basenames = main.strings(TAG.BASENAMES);
  // Each tag is decoded once: decoding per file made a 20k-file package take minutes.
  const dirnames = basenames ? (main.strings(TAG.DIRNAMES) ?? []) : [];
  const dirindexes = basenames ? (main.numbers(TAG.DIRINDEXES) ?? []) : [];
  const paths = basenames
    ? basenames.map((base, i) => `${dirnames[dirindexes[i] ?? -1] ?? ''}${base}`)
    : (main.strings(TAG.OLDFILENAMES) ?? []);
  const modes = main.numbers(TAG.FILEMODES) ?? [];
  const flags = main.numbers(TAG.FILEFLAGS) ?? [];
  return paths.map((path, i) => ({
    path,
    type: ((flags[i] ?? 0) & FILE_GHOST) !== 0 ? 'ghost' : ((modes[i] ?? 0) & S_IFMT) === S_IFDIR ? 'dir' : 'file',
  }));
}

/**
 * createrepo_c's changelog selection (parsehdr.c): the newest CHANGELOG_LIMIT entries, oldest
 * first, trailing spaces trimmed from authors, and entries sharing a timestamp nudged apart by a
 * second each so that clients keep them all.
 */
function changelogsOf({ main }: RpmHeaders): ChangelogEntry[] {
  const times = main.numbers(TAG.CHANGELOGTIME) ?? [];
  const names = main.strings(TAG.CHANGELOGNAME) ?? [];
  const texts = main.strings(TAG.CHANGELOGTEXT) ?? [];
  const list: ChangelogEntry[] = [];
  let last = 0;
  for (let i = 0; i < Math.min(times.length, names.length, texts.length, CHANGELOG_LIMIT); i++) {
    const date = times[i]!;
    list.unshift({ date, author: trimEndSpaces(names[i]!), text: texts[i]! });
    if (last === date) {
      let at = date;
      for (let k = 1; k < list.length && list[k]!.date === at; k++, at++) list[k]!.date++;
    } else last = date;
  }
  return list;
}

function trimEndSpaces(author: string): string {
  let end = author.length;
  while (end > 1 && author[end - 1] === ' ') end--;
  return author.slice(0, end);
}

/** createrepo_c's rule for the files primary.xml lists. */
export function isPrimaryFile(path: string): boolean {
  return path.startsWith('/etc/') || path === '/usr/lib/sendmail' || path.includes('bin/');
}
