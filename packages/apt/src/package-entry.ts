import { AirlockError, isSha256Hex } from '@airlock/core';

/** What the closure and the pool need from one Packages stanza (attacker-controlled upstream text). */
export interface PackageEntry {
  name: string;
  version: string;
  architecture: string;
  /** Relation fields as written, parsed only when the closure reaches the package. */
  preDepends?: string;
  depends?: string;
  recommends?: string;
  suggests?: string;
  provides?: string;
  /** Filename relative to the archive root, without a leading `./`. */
  filename: string;
  sha256: string;
  size: number;
}

const NAME_RE = /^[a-z0-9][a-z0-9+.\-]+$/;
const VERSION_RE = /^[A-Za-z0-9.+~:\-]+$/;

export function packageKey(p: { name: string; version: string; architecture: string }): string {
  // join makes one flat string; a template literal would keep a tree of pieces alive per key.
  return [p.name, p.version, p.architecture].join(' ');
}

/**
 * A copy of `s` that does not keep the text it was cut from alive: V8 makes substrings views of
 * their parent, so every field kept from a stanza would otherwise hold the whole stanza (and the
 * stanza the whole decompressed chunk it came from) in memory.
 */
function detached(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/** Values many entries share (architectures, common versions), kept once; bounded, since they come from upstream. */
const common = new Map<string, string>();

function interned(s: string): string {
  const known = common.get(s);
  if (known !== undefined) return known;
  const own = detached(s);
  if (common.size < 4096) common.set(own, own);
  return own;
}

/** Reads one stanza, refusing what apt could not install or what could escape the published tree. */
export function readPackageEntry(text: string, label: string): PackageEntry {
  return entryFromFields(pickFields(text), label);
}

/**
 * The checks and the entry of readPackageEntry, from the stanza's wanted fields. `fresh`: the
 * values were decoded on their own, not cut from a larger string, so they need no copy.
 */
export function entryFromFields(f: StanzaFields, label: string, o: { fresh?: boolean } = {}): PackageEntry {
  const own = o.fresh ? (s: string) => s : detached;
  const name = f.get('package') ?? '';
  const version = f.get('version') ?? '';
  const architecture = f.get('architecture') ?? '';
  const filename = normalizeFilename(f.get('filename'));
  const sha256 = (f.get('sha256') ?? '').toLowerCase();
  const sizeText = f.get('size') ?? '';
  const problems: string[] = [];
  if (!NAME_RE.test(name)) problems.push('Package');
  if (!VERSION_RE.test(version)) problems.push('Version');
  if (!/^[a-z0-9][a-z0-9\-]*$/.test(architecture)) problems.push('Architecture');
  if (filename === undefined) problems.push(`Filename ${JSON.stringify(f.get('filename') ?? null)} (must be a relative path inside the archive, ending in .deb, .udeb or .ddeb)`);
  if (!isSha256Hex(sha256)) problems.push('SHA256');
  if (!/^\d{1,15}$/.test(sizeText)) problems.push('Size');
  if (problems.length > 0) {
    const which = `${JSON.stringify(name)}${version ? ` ${version}` : ''}${architecture ? ` (${architecture})` : ''}`;
    throw new AirlockError('UPSTREAM_INVALID', `${label}: the stanza for ${which} has a missing or unusable ${problems.join(', ')}; airlock cannot mirror it safely, so the index is refused (ask the archive owner to fix it)`, {
      details: { package: name, version, architecture, fields: problems },
    });
  }
  // Every entry gets the same shape at once (absent fields undefined): properties added one by one
  // later would each need a separate backing store, per entry.
  const optional = (field: string): string | undefined => {
    const value = f.get(field);
    return value === undefined ? undefined : own(value);
  };
  const entry: PackageEntry = {
    name: own(name),
    version: interned(version),
    architecture: interned(architecture),
    preDepends: optional('pre-depends'),
    depends: optional('depends'),
    recommends: optional('recommends'),
    suggests: optional('suggests'),
    provides: optional('provides'),
    filename: own(filename as string),
    sha256: own(sha256),
    size: Number(sizeText),
  };
  return entry;
}

/**
 * Characters that stand for themselves in a URL path (RFC 3986 unreserved, sub-delims, `:` and
 * `@`), so the Filename is the same path upstream, on the site's disk and under `airlock serve`.
 * apt downloads any of these (an epoch colon, `pool/main/z/zeta_1:0.9-1_amd64.deb`, is common in
 * third-party archives). `%`, `?`, `#`, `\`, spaces and controls are refused: URL parsers read them
 * as escapes, queries, fragments or separators (`%2e%2e` is `..` to WHATWG), so the path would change.
 */
const PATH_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/]+$/;
const MAX_PATH = 4096;
const MAX_SEGMENT = 255;

/** A safe relative path ending in a package suffix; undefined otherwise. */
export function normalizeFilename(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const path = raw.replace(/^(\.\/)+/, '');
  if (path.length > MAX_PATH || !PATH_CHARS.test(path) || !/\.(deb|udeb|ddeb)$/.test(path)) return undefined;
  // Segment by segment without splitting (this runs once per stanza of whole archives).
  for (let start = 0; start <= path.length; ) {
    let end = path.indexOf('/', start);
    if (end < 0) end = path.length;
    const length = end - start;
    if (length === 0 || length > MAX_SEGMENT || (path.charCodeAt(start) === 46 && (length === 1 || (length === 2 && path.charCodeAt(start + 1) === 46)))) return undefined;
    if (start === 0 && ((length === 5 && path.startsWith('dists')) || (length === 7 && path.startsWith('by-hash')))) return undefined;
    start = end + 1;
  }
  return path;
}

/** The fields readPackageEntry uses, lower-cased; their positions index pickFields' values. */
const WANTED = ['package', 'version', 'architecture', 'filename', 'sha256', 'size', 'pre-depends', 'depends', 'recommends', 'suggests', 'provides'] as const;
/** The same names as archives write them. */
const CANONICAL = ['Package', 'Version', 'Architecture', 'Filename', 'SHA256', 'Size', 'Pre-Depends', 'Depends', 'Recommends', 'Suggests', 'Provides'];
const WANTED_INDEX = new Map<string, number>(WANTED.map((name, i) => [name, i]));

/** Field names seen, as written, and their WANTED index or -1; bounded, since names come from upstream. */
const seenNames = new Map<string, number>(CANONICAL.map((name, i) => [name, i]));

export const WANTED_COUNT = WANTED.length;

export function fieldIndex(name: string): number | undefined {
  let index = seenNames.get(name);
  if (index === undefined) {
    // Field names are matched without regard to ASCII case only, as apt does: a non-ASCII letter
    // that lower-cases to ASCII (the Kelvin sign) does not make a field name.
    index = /^[\x21-\x7e]+$/.test(name) ? (WANTED_INDEX.get(name.toLowerCase()) ?? -1) : -1;
    if (seenNames.size < 512) seenNames.set(name, index);
  }
  return index < 0 ? undefined : index;
}

/**
 * The wanted fields of one stanza, in one pass, into an array indexed as WANTED (no map per
 * stanza: a 60,000-stanza index makes that much garbage); continuation lines of wanted fields
 * are joined with a space.
 */
function pickFields(text: string): StanzaFields {
  const values: Array<string | undefined> = new Array(WANTED.length);
  let current = -1;
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const first = text.charCodeAt(pos);
    if (first === 32 || first === 9) {
      if (current >= 0) values[current] = `${values[current] ?? ''} ${text.slice(pos, end).trim()}`;
    } else {
      const colon = text.indexOf(':', pos);
      current = -1;
      if (colon > pos && colon < end && colon - pos <= 12) {
        const index = fieldIndex(text.slice(pos, colon));
        if (index !== undefined) {
          current = index;
          values[index] = text.slice(colon + 1, end).trim();
        }
      }
    }
    pos = end + 1;
  }
  return fieldsOf(values);
}

/** The wanted fields of a stanza, by lower-case name. */
export interface StanzaFields {
  get(name: string): string | undefined;
}

export function fieldsOf(values: Array<string | undefined>): StanzaFields {
  return { get: (name) => values[WANTED_INDEX.get(name) ?? -1] };
}
