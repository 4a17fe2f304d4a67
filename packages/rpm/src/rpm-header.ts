import { closeSync, openSync, readSync } from 'node:fs';
import { AirlockError } from '@airlock/core';

const LEAD_SIZE = 96;
const LEAD_MAGIC = 0xedabeedb;
const HEADER_MAGIC = 0x8eade801;
/** rpm's own limits (HEADER_TAGS_MAX, HEADER_DATA_MAX are larger; real headers stay far below these). */
const MAX_INDEX = 65535;
const MAX_DATA = 64 * 1024 * 1024;
const FIRST_READ = 32 * 1024;

const TYPE_CHAR = 1;
const TYPE_INT8 = 2;
const TYPE_INT16 = 3;
const TYPE_INT32 = 4;
const TYPE_INT64 = 5;
const TYPE_STRING = 6;
const TYPE_BIN = 7;
const TYPE_STRING_ARRAY = 8;
const TYPE_I18NSTRING = 9;

/** One header structure (signature or main): its tags, read on demand from the data store. */
export class RpmHeader {
  readonly #entries = new Map<number, { type: number; offset: number; count: number }>();
  readonly #data: Buffer;

  constructor(index: Buffer, data: Buffer) {
    this.#data = data;
    for (let i = 0; i < index.length; i += 16) {
      this.#entries.set(index.readUInt32BE(i), { type: index.readUInt32BE(i + 4), offset: index.readUInt32BE(i + 8), count: index.readUInt32BE(i + 12) });
    }
  }

  has(tag: number): boolean {
    return this.#entries.has(tag);
  }

  string(tag: number): string | undefined {
    return this.strings(tag)?.[0];
  }

  /** STRING, STRING_ARRAY or I18NSTRING (the default locale: the first string). */
  strings(tag: number): string[] | undefined {
    const entry = this.#entries.get(tag);
    if (!entry) return undefined;
    if (entry.type !== TYPE_STRING && entry.type !== TYPE_STRING_ARRAY && entry.type !== TYPE_I18NSTRING) throw badTag(tag, 'is not a string');
    const count = entry.type === TYPE_STRING ? 1 : entry.count;
    const out: string[] = [];
    let at = entry.offset;
    for (let i = 0; i < count; i++) {
      const end = this.#data.indexOf(0, at);
      if (end < 0) throw badTag(tag, 'runs past the header data');
      out.push(this.#data.toString('utf8', at, end));
      at = end + 1;
    }
    return entry.type === TYPE_I18NSTRING ? out.slice(0, 1) : out;
  }

  numbers(tag: number): number[] | undefined {
    const entry = this.#entries.get(tag);
    if (!entry) return undefined;
    const width = { [TYPE_CHAR]: 1, [TYPE_INT8]: 1, [TYPE_INT16]: 2, [TYPE_INT32]: 4, [TYPE_INT64]: 8 }[entry.type];
    if (width === undefined) throw badTag(tag, 'is not a number');
    if (entry.offset + width * entry.count > this.#data.length) throw badTag(tag, 'runs past the header data');
    const out: number[] = [];
    for (let i = 0; i < entry.count; i++) {
      const at = entry.offset + i * width;
      out.push(width === 1 ? this.#data.readUInt8(at) : width === 2 ? this.#data.readUInt16BE(at) : width === 4 ? this.#data.readUInt32BE(at) : Number(this.#data.readBigUInt64BE(at)));
    }
    return out;
  }

  number(tag: number): number | undefined {
    return this.numbers(tag)?.[0];
  }

  binary(tag: number): Buffer | undefined {
    const entry = this.#entries.get(tag);
    if (!entry) return undefined;
    if (entry.type !== TYPE_BIN) throw badTag(tag, 'is not binary');
    return this.#data.subarray(entry.offset, entry.offset + entry.count);
  }
}

export interface RpmHeaders {
  signature: RpmHeader;
  main: RpmHeader;
  /** Byte range of the main header in the file, as primary.xml's `rpm:header-range`. */
  headerStart: number;
  headerEnd: number;
}

/**
 * Reads the lead, the signature header and the main header of an .rpm (attacker-controlled bytes:
 * every count and offset is bounded before use). Only the headers are read, never the payload.
 */
export async function readRpmHeaders(path: string): Promise<RpmHeaders> {
  // Synchronous reads: a header is a few KiB at the front of the file, and a thread-pool round
  // trip per read costs more than the read itself when publishing thousands of packages.
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.allocUnsafe(FIRST_READ);
    const start = head.subarray(0, readSync(fd, head, 0, FIRST_READ, 0));
    const slice = (at: number, length: number): Buffer => (at + length <= start.length ? start.subarray(at, at + length) : readAt(fd, at, length, path));
    const lead = slice(0, LEAD_SIZE);
    if (lead.readUInt32BE(0) !== LEAD_MAGIC) throw notRpm(path, 'the lead magic is wrong');
    const sig = readStructure(slice, LEAD_SIZE, path);
    const sigEnd = LEAD_SIZE + sig.length;
    const headerStart = sigEnd + ((8 - (sig.length % 8)) % 8);
    const main = readStructure(slice, headerStart, path);
    return { signature: sig.header, main: main.header, headerStart, headerEnd: headerStart + main.length };
  } finally {
    closeSync(fd);
  }
}

type Slice = (at: number, length: number) => Buffer;

function readStructure(slice: Slice, at: number, path: string): { header: RpmHeader; length: number } {
  const intro = slice(at, 16);
  if (intro.readUInt32BE(0) !== HEADER_MAGIC) throw notRpm(path, `no header magic at byte ${at}`);
  const nindex = intro.readUInt32BE(8);
  const hsize = intro.readUInt32BE(12);
  if (nindex > MAX_INDEX || hsize > MAX_DATA) throw notRpm(path, `a header declares ${nindex} tags and ${hsize} data bytes`);
  const body = slice(at + 16, nindex * 16 + hsize);
  const index = body.subarray(0, nindex * 16);
  for (let i = 0; i < index.length; i += 16) {
    if (index.readUInt32BE(i + 8) > hsize) throw notRpm(path, 'a tag points past the header data');
  }
  return { header: new RpmHeader(index, body.subarray(nindex * 16)), length: 16 + body.length };
}

function readAt(fd: number, position: number, length: number, path: string): Buffer {
  const buffer = Buffer.alloc(length);
  if (readSync(fd, buffer, 0, length, position) !== length) throw notRpm(path, 'the file ends inside its headers');
  return buffer;
}

function notRpm(path: string, why: string): AirlockError {
  return new AirlockError('UPSTREAM_INVALID', `${path} is not a readable RPM package (${why})`);
}

function badTag(tag: number, why: string): AirlockError {
  return new AirlockError('UPSTREAM_INVALID', `RPM header tag ${tag} ${why}`);
}
