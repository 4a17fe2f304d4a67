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
  return `${p.name} ${p.version} ${p.architecture}`;
}

/** Reads one stanza, refusing what apt could not install or what could escape the published tree. */
export function readPackageEntry(text: string, label: string): PackageEntry {
  const f = pickFields(text);
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
  const entry: PackageEntry = { name, version, architecture, filename: filename as string, sha256, size: Number(sizeText) };
  const optional = { preDepends: 'pre-depends', depends: 'depends', recommends: 'recommends', suggests: 'suggests', provides: 'provides' } as const;
  for (const [key, fieldName] of Object.entries(optional) as Array<[keyof typeof optional, string]>) {
    const value = f.get(fieldName);
    if (value !== undefined) entry[key] = value;
  }
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
  const segments = path.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..' || s.length > MAX_SEGMENT)) return undefined;
  if (segments[0] === 'dists' || segments[0] === 'by-hash') return undefined;
  return path;
}

const WANTED = new Set(['package', 'version', 'architecture', 'filename', 'sha256', 'size', 'pre-depends', 'depends', 'recommends', 'suggests', 'provides']);

/** The fields above from one stanza, in one pass; continuation lines of wanted fields are joined with a space. */
function pickFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  let current: string | undefined;
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const first = text.charCodeAt(pos);
    if (first === 32 || first === 9) {
      if (current !== undefined) fields.set(current, `${fields.get(current) ?? ''} ${text.slice(pos, end).trim()}`);
    } else {
      const colon = text.indexOf(':', pos);
      current = undefined;
      if (colon > pos && colon < end) {
        const name = text.slice(pos, colon).toLowerCase();
        if (WANTED.has(name)) {
          current = name;
          fields.set(name, text.slice(colon + 1, end).trim());
        }
      }
    }
    pos = end + 1;
  }
  return fields;
}
