import type { Readable } from 'node:stream';
import { AirlockError } from '@airlock/core';
import { entryFromFields, fieldIndex, fieldsOf, WANTED_COUNT, type PackageEntry } from './package-entry.js';

/** As readStanzas: no real package needs a larger stanza, and it bounds memory per stanza. */
const MAX_STANZA_BYTES = 1 << 20;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const COLON = 0x3a;

/**
 * The entries of a Packages index (attacker-controlled), as readStanzas + readPackageEntry give
 * them, read from the bytes: only the wanted fields become strings, never the stanza text. For the
 * closure pass over whole archives (60,000 stanzas), where the text would be most of the work and
 * all of the garbage.
 */
export async function* readIndexEntries(input: Readable, label: string): AsyncGenerator<PackageEntry> {
  let carry: Buffer | undefined;
  for await (const chunk of input) {
    const buf: Buffer = carry ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
    let stanza = 0;
    let hasContent = false;
    let pos = 0;
    for (let end = buf.indexOf(LF, pos); end >= 0; end = buf.indexOf(LF, pos)) {
      if (isBlank(buf, pos, end)) {
        const entry = hasContent ? entryAt(buf, stanza, pos, label) : undefined;
        if (entry) yield entry;
        stanza = end + 1;
        hasContent = false;
      } else {
        hasContent = true;
      }
      pos = end + 1;
    }
    carry = stanza < buf.length ? buf.subarray(stanza) : undefined;
    if (carry && carry.length > MAX_STANZA_BYTES) throw new AirlockError('UPSTREAM_INVALID', `${label} has a stanza larger than ${MAX_STANZA_BYTES} bytes`);
  }
  const last = carry ? entryAt(carry, 0, carry.length, label) : undefined;
  if (last) yield last;
}

/**
 * Where the stanza's last line with more than whitespace (as String.prototype.trim counts it,
 * Unicode spaces included) ends: readStanzas trims the stanza's end, so trailing lines of
 * whitespace never reach the fields (a continuation line of them would add a space).
 */
function contentEnd(buf: Buffer, start: number, end: number): number {
  let stop = end;
  while (stop > start) {
    const lineStart = Math.max(start, buf.lastIndexOf(LF, stop - 1) + 1);
    if (hasContent(buf, lineStart, stop)) return stop;
    stop = lineStart > start ? lineStart - 1 : start;
  }
  return start;
}

/**
 * buf[start, end) decoded and trimmed; ASCII blanks are cut from the bytes first, so the common
 * value is one fresh string rather than a trimmed view of a longer one.
 */
function decodeTrimmed(buf: Buffer, start: number, end: number): string {
  let s = start;
  let e = end;
  while (s < e && isAsciiSpace(buf[s] as number)) s++;
  while (e > s && isAsciiSpace(buf[e - 1] as number)) e--;
  const text = buf.toString('utf8', s, e);
  const trimmed = text.trim();
  return trimmed.length === text.length ? text : trimmed;
}

function isAsciiSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === CR || c === 0x0b || c === 0x0c || c === LF;
}

/** Whether a line has more than whitespace; bytes decide unless the line holds nothing but non-ASCII and blanks. */
function hasContent(buf: Buffer, start: number, end: number): boolean {
  let nonAscii = false;
  for (let i = start; i < end; i++) {
    const c = buf[i] as number;
    if (c >= 0x80) nonAscii = true;
    else if (!isAsciiSpace(c)) return true;
  }
  return nonAscii && buf.toString('utf8', start, end).trim() !== '';
}

/** Names of the wanted fields by length, as bytes, lower-case. */
const WANTED_BY_LENGTH = new Map<number, Array<{ bytes: Buffer; name: string }>>();
for (const name of ['package', 'version', 'architecture', 'filename', 'sha256', 'size', 'pre-depends', 'depends', 'recommends', 'suggests', 'provides']) {
  const list = WANTED_BY_LENGTH.get(name.length) ?? [];
  list.push({ bytes: Buffer.from(name, 'latin1'), name });
  WANTED_BY_LENGTH.set(name.length, list);
}

/**
 * The wanted field named by buf[start, end), compared case-insensitively on the bytes (no string
 * per line); field names are ASCII, and anything else is no wanted field.
 */
function wantedAt(buf: Buffer, start: number, end: number): number | undefined {
  const candidates = WANTED_BY_LENGTH.get(end - start);
  if (candidates === undefined) return undefined;
  for (const { bytes, name } of candidates) {
    let i = 0;
    while (i < bytes.length && lower(buf[start + i] as number) === bytes[i]) i++;
    if (i === bytes.length) return fieldIndex(name);
  }
  return undefined;
}

function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

/** A line of spaces and tabs, perhaps ending in CR: what ends a stanza (readStanzas' separator). */
function isBlank(buf: Buffer, start: number, end: number): boolean {
  let i = start;
  while (i < end && (buf[i] === SPACE || buf[i] === TAB)) i++;
  return i === end || (i === end - 1 && buf[i] === CR);
}

/**
 * One stanza's wanted fields from buf[start, end), each decoded alone; continuation lines joined
 * with a space. A stanza of whitespace only is no stanza (undefined), as readStanzas trims it away.
 */
function entryAt(buf: Buffer, start: number, end: number, label: string): PackageEntry | undefined {
  const values: Array<string | undefined> = new Array(WANTED_COUNT);
  let current = -1;
  end = contentEnd(buf, start, end);
  for (let pos = start; pos < end; ) {
    let lineEnd = buf.indexOf(LF, pos);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    const first = buf[pos];
    if (isBlank(buf, pos, lineEnd)) {
      // Only a stanza's trailing blank line, at the end of the input, gets here; readStanzas drops it too.
    } else if (first === SPACE || first === TAB) {
      if (current >= 0) values[current] = `${values[current] ?? ''} ${decodeTrimmed(buf, pos, lineEnd)}`;
    } else {
      current = -1;
      const colon = buf.indexOf(COLON, pos);
      if (colon > pos && colon < lineEnd && colon - pos <= 12) {
        const index = wantedAt(buf, pos, colon);
        if (index !== undefined) {
          current = index;
          values[index] = decodeTrimmed(buf, colon + 1, lineEnd);
        }
      }
    }
    pos = lineEnd + 1;
  }
  if (values.every((v) => v === undefined) && buf.toString('utf8', start, end).trim() === '') return undefined;
  return entryFromFields(fieldsOf(values), label, { fresh: true });
}
