import { AirlockError } from '@airlock/core';
import { createRequire } from 'node:module';
import type { SaxesParser as SaxesParserType } from 'saxes';

/** One `<data>` entry of repomd.xml. Checksums are lowercase hex of `checksumType`. */
export interface RepomdEntry {
  type: string;
  href: string;
  checksumType: string;
  checksum: string;
  openChecksum?: string;
  size?: number;
  openSize?: number;
}

const HASHES = new Set(['sha256', 'sha512', 'sha384', 'sha224', 'sha1', 'sha']);

/** Parses repomd.xml (attacker-controlled until its signature and our checks pass). */
export function parseRepomd(xml: string): RepomdEntry[] {
  const { SaxesParser } = createRequire(import.meta.url)('saxes') as { SaxesParser: typeof SaxesParserType };
  const parser = new SaxesParser({ xmlns: false });
  const entries: RepomdEntry[] = [];
  let current: Partial<RepomdEntry> | undefined;
  let field: string | undefined;
  let text = '';
  let sawRoot = false;
  parser.on('opentag', (tag) => {
    const attr = (name: string): string | undefined => {
      const value = tag.attributes[name];
      return typeof value === 'string' ? value : undefined;
    };
    if (tag.name === 'repomd') sawRoot = true;
    else if (tag.name === 'data') current = { type: attr('type') ?? '' };
    else if (current && tag.name === 'location') current.href = attr('href');
    else if (current && tag.name === 'checksum') current.checksumType = attr('type');
    text = '';
    field = tag.name;
  });
  parser.on('text', (t) => (text += t));
  parser.on('closetag', (tag) => {
    if (!current) return;
    const value = text.trim();
    if (tag.name === 'checksum' && field === 'checksum') current.checksum = value.toLowerCase();
    if (tag.name === 'open-checksum') current.openChecksum = value.toLowerCase();
    if (tag.name === 'size') current.size = Number(value);
    if (tag.name === 'open-size') current.openSize = Number(value);
    if (tag.name === 'data') {
      entries.push(checked(current));
      current = undefined;
    }
    text = '';
  });
  try {
    parser.write(xml).close();
  } catch (err) {
    throw new AirlockError('UPSTREAM_INVALID', `repomd.xml is not well-formed XML (${(err as Error).message}): the upstream repo is broken or was tampered with`, { cause: err });
  }
  if (!sawRoot) throw new AirlockError('UPSTREAM_INVALID', 'repomd.xml has no <repomd> root element: check the repo URL');
  return entries;
}

function checked(entry: Partial<RepomdEntry>): RepomdEntry {
  const { type, href, checksumType, checksum } = entry;
  const problem =
    !type || !/^[A-Za-z0-9_-]{1,64}$/.test(type) ? 'a missing or odd type'
    : !href || !isSafeHref(href) ? `an unsafe location ${JSON.stringify(href)}`
    : !checksumType || !HASHES.has(checksumType) ? `checksum type ${JSON.stringify(checksumType)}, which airlock does not support`
    : !checksum || !/^[0-9a-f]{40,128}$/.test(checksum) ? 'a malformed checksum'
    : entry.size !== undefined && !Number.isSafeInteger(entry.size) ? 'a malformed size'
    : entry.openSize !== undefined && !(Number.isSafeInteger(entry.openSize) && entry.openSize >= 0) ? 'a malformed open-size'
    : undefined;
  if (problem) throw new AirlockError('UPSTREAM_INVALID', `repomd.xml entry ${JSON.stringify(type)} has ${problem}: the upstream repo is broken or was tampered with`);
  return entry as RepomdEntry;
}

/** A relative path inside the repo: no scheme, no absolute path, no `..`, no backslashes. */
export function isSafeHref(href: string): boolean {
  if (href.length > 1024 || href.startsWith('/') || href.includes('\\') || href.includes('\0') || /^[a-z][a-z0-9+.-]*:/i.test(href)) return false;
  return href.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

/** Node's hash name for a repomd checksum type (`sha` is yum's old name for sha1). */
export function nodeHashName(checksumType: string): string {
  return checksumType === 'sha' ? 'sha1' : checksumType;
}
