import { AirlockError } from '@airlock/core';

/** Header values are text, or lists and maps of header values (snapd asserts/headers.go). */
export type HeaderValue = string | HeaderValue[] | HeaderMap;
export interface HeaderMap {
  [key: string]: HeaderValue;
}

const NAME_RE = /^[a-z](?:-?[a-z0-9])*$/;
/** Far deeper than any real assertion nests; keeps hostile input from exhausting the stack. */
const MAX_DEPTH = 32;

interface Cursor {
  lines: string[];
  index: number;
}

/** Parses the header block of an assertion (attacker-controlled), following snapd's parseHeaders exactly. */
export function parseHeaders(head: string, what: string): HeaderMap {
  const headers: HeaderMap = Object.create(null) as HeaderMap;
  const cursor: Cursor = { lines: head.split('\n'), index: 0 };
  while (cursor.index < cursor.lines.length) {
    const entry = cursor.lines[cursor.index] as string;
    const colon = entry.indexOf(':');
    if (colon === -1) throw bad(what, `header entry without ":": ${clip(entry)}`);
    const name = entry.slice(0, colon);
    if (!NAME_RE.test(name)) throw bad(what, `invalid header name ${clip(name)}`);
    const value = parseEntry(cursor, colon + 1, 0, what, 0);
    if (Object.hasOwn(headers, name)) throw bad(what, `repeated header ${name}`);
    headers[name] = value;
  }
  return headers;
}

function parseEntry(c: Cursor, consumed: number, baseIndent: number, what: string, depth: number): HeaderValue {
  if (depth > MAX_DEPTH) throw bad(what, 'headers nest too deeply');
  const entry = c.lines[c.index] as string;
  c.index++;
  if (consumed === entry.length) {
    const basePrefix = ' '.repeat(baseIndent) + '  ';
    const next = c.lines[c.index];
    if (next !== undefined && next.startsWith(basePrefix)) {
      const rest = next.slice(basePrefix.length);
      if (rest.startsWith('-')) return parseList(c, baseIndent, what, depth);
      if (rest.length > 0 && rest[0] !== ' ') return parseMap(c, baseIndent, what, depth);
    }
    return parseMultiline(c, baseIndent, what);
  }
  if (entry[consumed] !== ' ') throw bad(what, `header entry needs a space or a newline after ":": ${clip(entry)}`);
  return entry.slice(consumed + 1);
}

function parseMultiline(c: Cursor, baseIndent: number, what: string): string {
  const prefix = ' '.repeat(baseIndent) + '    ';
  const parts: string[] = [];
  while (c.index < c.lines.length && (c.lines[c.index] as string).startsWith(prefix)) {
    parts.push((c.lines[c.index] as string).slice(prefix.length));
    c.index++;
  }
  if (parts.length === 0) throw bad(what, `a multiline value must be indented by ${prefix.length} spaces`);
  return parts.join('\n');
}

function parseList(c: Cursor, baseIndent: number, what: string, depth: number): HeaderValue[] {
  const list: HeaderValue[] = [];
  const prefix = ' '.repeat(baseIndent) + '  -';
  while (c.index < c.lines.length && (c.lines[c.index] as string).startsWith(prefix)) {
    list.push(parseEntry(c, prefix.length, baseIndent + 2, what, depth + 1));
  }
  return list;
}

function parseMap(c: Cursor, baseIndent: number, what: string, depth: number): HeaderMap {
  const map: HeaderMap = Object.create(null) as HeaderMap;
  const prefix = ' '.repeat(baseIndent) + '  ';
  while (c.index < c.lines.length && (c.lines[c.index] as string).startsWith(prefix)) {
    const entry = (c.lines[c.index] as string).slice(prefix.length);
    const colon = entry.indexOf(':');
    if (colon === -1) throw bad(what, `map entry without ":": ${clip(entry)}`);
    const key = entry.slice(0, colon);
    if (!NAME_RE.test(key)) throw bad(what, `invalid map key ${clip(key)}`);
    const value = parseEntry(c, prefix.length + colon + 1, prefix.length, what, depth + 1);
    if (Object.hasOwn(map, key)) throw bad(what, `repeated map entry ${key}`);
    map[key] = value;
  }
  return map;
}

function bad(what: string, reason: string): AirlockError {
  return new AirlockError('UPSTREAM_INVALID', `${what}: ${reason}`);
}

function clip(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
