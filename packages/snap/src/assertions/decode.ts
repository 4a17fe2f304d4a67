import { AirlockError } from '@airlock/core';
import { parseHeaders, type HeaderMap } from './headers.js';

export const MAX_HEADERS = 128 * 1024;
export const MAX_BODY = 2 * 1024 * 1024;
export const MAX_SIGNATURE = 128 * 1024;
/** More assertions than any snap's chain needs, times many snaps. */
export const MAX_ASSERTIONS_PER_STREAM = 10_000;

const NLNL = Buffer.from('\n\n');
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** One assertion as received: its exact text, and the parts snapd's Decode would see. */
export interface RawAssertion {
  /** The original text, byte for byte; this is what is stored, published and served. */
  text: string;
  type: string;
  headers: HeaderMap;
  body: Buffer;
  /** The signed content: everything before the final "\n\n". */
  content: Buffer;
  signature: string;
}

/**
 * Parses one assertion (attacker-controlled) as snapd's asserts.Decode does: content and signature
 * split at the last "\n\n", headers and body at the first; one trailing newline is allowed.
 */
export function decodeAssertion(input: Buffer | string, what = 'assertion'): RawAssertion {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  if (bytes.length > MAX_HEADERS + MAX_BODY + MAX_SIGNATURE + 8) throw bad(what, 'is larger than an assertion can be');
  const text = checkUtf8(bytes, what);
  const core = bytes.length > 0 && bytes[bytes.length - 1] === 0x0a ? bytes.subarray(0, bytes.length - 1) : bytes;
  const split = core.lastIndexOf(NLNL);
  if (split === -1) throw bad(what, 'has no content/signature separator');
  const content = core.subarray(0, split);
  const signature = core.subarray(split + 2).toString('utf8');
  if (signature.length === 0 || signature.length > MAX_SIGNATURE || signature.includes('\n\n')) throw bad(what, 'has an empty or oversized signature');
  const headBodySplit = content.indexOf(NLNL);
  const head = headBodySplit === -1 ? content : content.subarray(0, headBodySplit);
  const body = headBodySplit === -1 ? Buffer.alloc(0) : content.subarray(headBodySplit + 2);
  if (head.length > MAX_HEADERS) throw bad(what, `has more than ${MAX_HEADERS} bytes of headers`);
  if (body.length > MAX_BODY) throw bad(what, `has a body larger than ${MAX_BODY} bytes`);
  const headers = parseHeaders(head.toString('utf8'), what);
  const type = headers.type;
  if (typeof type !== 'string' || type === '') throw bad(what, 'has no type header');
  const declared = headers['body-length'];
  const bodyLength = declared === undefined ? 0 : wholeNumber(declared, 'body-length', what);
  if (bodyLength !== body.length) throw bad(what, `declares body-length ${bodyLength} but carries ${body.length} bytes of body`);
  if (headBodySplit !== -1 && body.length === 0) throw bad(what, 'has an empty body section');
  return { text, type, headers, body, content, signature };
}

/**
 * Splits a stream of assertions (an .assert file) the way snapd's Decoder reads it: headers up to
 * "\n\n", body-length bytes, "\n\n", then the signature up to the next "\n\n" or the end.
 */
export function splitAssertions(input: Buffer, what = 'assertion stream'): RawAssertion[] {
  checkUtf8(input, what);
  const result: RawAssertion[] = [];
  let offset = 0;
  while (offset < input.length) {
    if (result.length >= MAX_ASSERTIONS_PER_STREAM) throw bad(what, `holds more than ${MAX_ASSERTIONS_PER_STREAM} assertions`);
    const label = `${what} #${result.length + 1}`;
    const headEnd = input.indexOf(NLNL, offset);
    if (headEnd === -1 || headEnd - offset > MAX_HEADERS) throw bad(label, 'has no end of headers');
    const head = input.subarray(offset, headEnd).toString('utf8');
    const lengthLine = /(?:^|\n)body-length: (\d{1,8})(?:\n|$)/.exec(head);
    const bodyLength = lengthLine ? Number(lengthLine[1]) : 0;
    if (bodyLength > MAX_BODY) throw bad(label, `declares a body larger than ${MAX_BODY} bytes`);
    let sigStart = headEnd + 2;
    if (bodyLength > 0) {
      const bodyEnd = sigStart + bodyLength;
      if (input.length < bodyEnd + 2 || input.subarray(bodyEnd, bodyEnd + 2).compare(NLNL) !== 0) throw bad(label, 'is truncated or its body-length is wrong');
      sigStart = bodyEnd + 2;
    }
    const sigEnd = input.indexOf(NLNL, sigStart);
    const end = sigEnd === -1 ? input.length : sigEnd + 1;
    if (end - sigStart > MAX_SIGNATURE) throw bad(label, 'has an oversized signature');
    result.push(decodeAssertion(input.subarray(offset, end), label));
    offset = sigEnd === -1 ? input.length : sigEnd + 2;
    while (offset < input.length && input[offset] === 0x0a) offset++;
  }
  return result;
}

/** Writes assertions as snapd's Encoder does: each ends with a newline, one empty line between. */
export function encodeStream(texts: string[]): string {
  return texts.map((t) => (t.endsWith('\n') ? t : `${t}\n`)).join('\n');
}

export function wholeNumber(value: unknown, name: string, what: string): number {
  if (typeof value !== 'string' || !/^(0|[1-9][0-9]{0,15})$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw bad(what, `${name} must be a whole number`);
  }
  return Number(value);
}

function checkUtf8(bytes: Buffer, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw bad(what, 'is not UTF-8');
  }
}

function bad(what: string, reason: string): AirlockError {
  return new AirlockError('UPSTREAM_INVALID', `${what} ${reason}`);
}
