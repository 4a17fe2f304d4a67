import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { isMissingFileError, type ClientSnippet, type SourceDescription } from '@airlock/core';

export const PUBLICATION_RECORD = 'airlock-publication.json';
/** The record lists every source with a few KB of description each; anything far larger is not one. */
const MAX_RECORD_BYTES = 32 << 20;

export interface ChannelFacts {
  channel: string;
  sequence: number;
  bundle: string;
  manifestSha256: string | null;
  importedAt: string | null;
  exporterKey: string | null;
}

export interface SourceFacts {
  channel: string;
  type: string;
  name: string;
  bundle: string;
  sequence: number;
  /** Effective catalog digest. */
  catalog: string | null;
  /** Null for publications made before sources were described, or when the driver could not. */
  description: SourceDescription | null;
}

export interface PublicationFacts {
  snapshot: string;
  siteKey: string | null;
  publishedAt: string | null;
  channels: ChannelFacts[];
  sources: SourceFacts[];
}

export type FactsResult = { kind: 'facts'; facts: PublicationFacts } | { kind: 'no-record' } | { kind: 'unreadable'; reason: string };

/**
 * Reads the snapshot's publication record. It is the engine's own file, but the page treats it as
 * data to check, not to trust: fields of the wrong type are dropped and every string is escaped
 * where it is printed.
 */
export async function readPublicationFacts(realRoot: string): Promise<FactsResult> {
  let text: string;
  try {
    const handle = await open(join(realRoot, PUBLICATION_RECORD), 'r');
    try {
      const { size } = await handle.stat();
      if (size > MAX_RECORD_BYTES) return { kind: 'unreadable', reason: `${PUBLICATION_RECORD} is ${size} bytes, more than a publication record can be` };
      text = (await handle.readFile()).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch (err) {
    if (isMissingFileError(err)) return { kind: 'no-record' };
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { kind: 'unreadable', reason: `${PUBLICATION_RECORD} is not valid JSON` };
  }
  if (!isObject(raw) || typeof raw.snapshot !== 'string' || !Array.isArray(raw.channels)) {
    return { kind: 'unreadable', reason: `${PUBLICATION_RECORD} does not have the shape of a publication record` };
  }
  const channels: ChannelFacts[] = [];
  const sources: SourceFacts[] = [];
  for (const c of raw.channels) {
    if (!isObject(c) || typeof c.channel !== 'string' || typeof c.bundle !== 'string' || !isCount(c.sequence)) continue;
    channels.push({ channel: c.channel, sequence: c.sequence, bundle: c.bundle, manifestSha256: str(c.manifestSha256), importedAt: str(c.importedAt), exporterKey: str(c.exporterKey) });
    for (const s of Array.isArray(c.sources) ? c.sources : []) {
      if (!isObject(s) || typeof s.type !== 'string' || typeof s.name !== 'string' || typeof s.bundle !== 'string' || !isCount(s.sequence)) continue;
      sources.push({ channel: c.channel, type: s.type, name: s.name, bundle: s.bundle, sequence: s.sequence, catalog: str(s.catalog), description: description(s.description) });
    }
  }
  sources.sort((a, b) => compare(`${a.type}\u0000${a.name}`, `${b.type}\u0000${b.name}`));
  return { kind: 'facts', facts: { snapshot: raw.snapshot, siteKey: str(raw.siteKey), publishedAt: str(raw.publishedAt), channels, sources } };
}

function description(raw: unknown): SourceDescription | null {
  if (!isObject(raw) || !Array.isArray(raw.counts) || !Array.isArray(raw.clients) || !isCount(raw.bytes)) return null;
  const counts = raw.counts.filter((c): c is { label: string; value: number } => isObject(c) && typeof c.label === 'string' && isCount(c.value));
  const clients: ClientSnippet[] = [];
  for (const c of raw.clients) {
    if (!isObject(c) || typeof c.id !== 'string' || typeof c.title !== 'string' || typeof c.template !== 'string') continue;
    clients.push({
      id: c.id,
      title: c.title,
      template: c.template,
      ...(typeof c.file === 'string' ? { file: c.file } : {}),
      ...(typeof c.note === 'string' ? { note: c.note } : {}),
    });
  }
  return { counts: counts.map((c) => ({ label: c.label, value: c.value })), bytes: raw.bytes, clients };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
