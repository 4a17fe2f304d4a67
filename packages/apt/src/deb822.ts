import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { AirlockError } from '@airlock/core';

/** Larger stanzas than this are refused: no real package needs it, and it bounds memory per stanza. */
const MAX_STANZA_BYTES = 1 << 20;

/**
 * Yields each stanza of a deb822 stream (Packages, attacker-controlled) as its text without the
 * trailing blank line. Only one stanza is held at a time.
 */
export async function* readStanzas(input: Readable, label: string): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  for await (const chunk of input) {
    carry += decoder.write(chunk as Buffer);
    let start = 0;
    SEPARATOR.lastIndex = 0;
    for (let match = SEPARATOR.exec(carry); match !== null; match = SEPARATOR.exec(carry)) {
      const stanza = clean(carry.slice(start, match.index));
      if (stanza !== '') yield stanza;
      start = match.index + match[0].length;
    }
    carry = carry.slice(start);
    if (carry.length > MAX_STANZA_BYTES) throw new AirlockError('UPSTREAM_INVALID', `${label} has a stanza larger than ${MAX_STANZA_BYTES} bytes`);
  }
  const last = clean(carry + decoder.end());
  if (last !== '') yield last;
}

/** A blank line (empty or whitespace only) ends a stanza. */
const SEPARATOR = /\r?\n(?:[ \t]*\r?\n)+/g;

function clean(text: string): string {
  const unix = text.includes('\r') ? text.replace(/\r\n/g, '\n') : text;
  return unix.replace(/^\s*\n/, '').trimEnd();
}

/** Field name → value of one stanza. Continuation lines are joined with newlines; names are case-insensitive. */
export function parseStanza(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    if ((line.startsWith(' ') || line.startsWith('\t')) && last !== undefined) {
      fields.set(last, `${fields.get(last) ?? ''}\n${line}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).toLowerCase();
    fields.set(last, line.slice(colon + 1).trim());
  }
  return fields;
}
