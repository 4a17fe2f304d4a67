import { readdir, readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { isRecord, readFileLimited } from '@airlock/core';
import { splitAssertions } from '../assertions/decode.js';
import { INDEX_FORMAT, type IndexRevision } from '../publication-index.js';

const INDEX_LIMIT = 256 << 20;
const ASSERT_FILE_LIMIT = 16 << 20;

export interface ServedSource {
  name: string;
  revisions: IndexRevision[];
  /** `type/primary-key…` → the assertion's original text (newest revision). */
  assertions: Map<string, { text: string; revision: number; format: number }>;
}

let cached: { key: string; content: Promise<Map<string, ServedSource>> } | undefined;

/** The snap sources of the publication `root` points at now, reloaded when `current` switches. */
export async function servedSnaps(root: string): Promise<Map<string, ServedSource>> {
  let key: string;
  try {
    key = await realpath(root);
  } catch {
    return new Map();
  }
  if (cached?.key !== key) cached = { key, content: load(key) };
  return cached.content;
}

async function load(publication: string): Promise<Map<string, ServedSource>> {
  const sources = new Map<string, ServedSource>();
  const snapRoot = join(publication, 'snap');
  for (const dir of await readdir(snapRoot, { withFileTypes: true }).catch(() => [])) {
    if (!dir.isDirectory()) continue;
    const source = await loadSource(join(snapRoot, dir.name), dir.name).catch(() => undefined);
    if (source) sources.set(dir.name, source);
  }
  return sources;
}

async function loadSource(dir: string, name: string): Promise<ServedSource | undefined> {
  const index = JSON.parse((await readFileLimited(join(dir, 'index.json'), INDEX_LIMIT)).toString('utf8')) as unknown;
  if (!isRecord(index) || index.format !== INDEX_FORMAT || !Array.isArray(index.snaps)) return undefined;
  const revisions = index.snaps as IndexRevision[];
  const assertions: ServedSource['assertions'] = new Map();
  for (const r of revisions) {
    if (!/^[a-z0-9-]+_\d+\.assert$/.test(String(r.files?.assert))) return undefined;
    const bytes = await readFile(join(dir, r.files.assert));
    if (bytes.length > ASSERT_FILE_LIMIT) continue;
    for (const raw of splitAssertions(bytes, r.files.assert)) {
      const ref = refOf(raw.type, raw.headers);
      const revision = Number(raw.headers.revision ?? '0');
      const known = assertions.get(ref);
      if (!known || revision > known.revision) assertions.set(ref, { text: raw.text, revision, format: Number(raw.headers.format ?? '0') });
    }
  }
  return { name, revisions, assertions };
}

/** The endpoint path of an assertion: optional primary keys at their default are left out (ReducePrimaryKey). */
function refOf(type: string, headers: Record<string, unknown>): string {
  const h = (k: string): string => String(headers[k] ?? '');
  switch (type) {
    case 'account-key':
      return `account-key/${h('public-key-sha3-384')}`;
    case 'account':
      return `account/${h('account-id')}`;
    case 'snap-declaration':
      return `snap-declaration/${h('series')}/${h('snap-id')}`;
    case 'snap-revision':
      return headers.provenance === undefined || headers.provenance === 'global-upload' ? `snap-revision/${h('snap-sha3-384')}` : `snap-revision/${h('snap-sha3-384')}/${h('provenance')}`;
    default:
      return `${type}/?`;
  }
}
