import { canonicalJson, digestHex, type Digest } from '@airlock/core';

/** Hand-made ustar headers: every field can be set to something a well-behaved writer never produces. */
export interface RawHeader {
  name: string;
  size: number;
  type?: string;
  linkname?: string;
  prefix?: string;
  magic?: string;
  version?: string;
  /** Raw bytes for the 12-byte size field (e.g. base-256). */
  sizeField?: Buffer;
  /** Bytes written into the name field after its NUL terminator. */
  nameTail?: string;
  breakChecksum?: boolean;
}

export function rawHeader(h: RawHeader): Buffer {
  const block = Buffer.alloc(512);
  block.write(h.name, 0, 'latin1');
  if (h.nameTail) block.write(h.nameTail, Buffer.byteLength(h.name, 'latin1') + 1, 'latin1');
  block.write('0000644\0', 100, 'latin1');
  block.write('0000000\0', 108, 'latin1');
  block.write('0000000\0', 116, 'latin1');
  if (h.sizeField) h.sizeField.copy(block, 124);
  else block.write(`${h.size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  block.write('00000000000\0', 136, 'latin1');
  block.write(h.type ?? '0', 156, 'latin1');
  if (h.linkname) block.write(h.linkname, 157, 'latin1');
  block.write(h.magic ?? 'ustar\0', 257, 'latin1');
  block.write(h.version ?? '00', 263, 'latin1');
  if (h.prefix) block.write(h.prefix, 345, 'latin1');
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  if (h.breakChecksum) sum += 1;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

export function pad(data: Buffer): Buffer {
  const rest = data.length % 512;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(512 - rest)]);
}

/** One entry: header plus padded data (data may be shorter than the header claims, for lies about size). */
export function rawEntry(h: RawHeader, data: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([rawHeader(h), pad(data)]);
}

export const END = Buffer.alloc(1024);

export function blobName(digest: Digest, part?: number): string {
  return `blobs/sha256/${digestHex(digest)}${part === undefined ? '' : `.part-${part}`}`;
}

/** The volume.json the reader derives for volume 1 of bundle dc1-000001 holding `entries`. */
export function volumeJsonFor(entries: Array<{ name: string; size: number }>, o: { number?: number; channel?: string } = {}): Buffer {
  const channel = o.channel ?? 'dc1';
  return Buffer.from(canonicalJson({
    format: 'airlock-volume', version: 1, bundle: `${channel}-000001`, channel, sequence: 1, number: o.number ?? 1, entries,
  }));
}

export function volumeJsonEntry(entries: Array<{ name: string; size: number }>, o: { number?: number; channel?: string } = {}): Buffer {
  const json = volumeJsonFor(entries, o);
  return rawEntry({ name: 'volume.json', size: json.length }, json);
}
