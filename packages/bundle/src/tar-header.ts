import { AirlockError } from '@airlock/core';
import { TAR_BLOCK, TAR_MAX_ENTRY_SIZE } from './tar-layout.js';

// ustar field offsets (POSIX.1-1988).
const NAME = 0, MODE = 100, UID = 108, GID = 116, SIZE = 124, MTIME = 136, CHKSUM = 148, TYPEFLAG = 156;
const LINKNAME = 157, MAGIC = 257, VERSION = 263, DEVMAJOR = 329, DEVMINOR = 337, PREFIX = 345;
const NAME_LENGTH = 100;
const USTAR_MAGIC = Buffer.from('ustar\0', 'latin1');

/**
 * A deterministic ustar header for a regular file: mode 0644, uid/gid 0, mtime 0, no owner names,
 * so the same content always packs to the same bytes.
 */
export function encodeTarHeader(name: string, size: number): Buffer {
  const block = Buffer.alloc(TAR_BLOCK);
  writeTarHeader(block, 0, name, size);
  return block;
}

/**
 * encodeTarHeader into `dest` at `offset` (zeroed or not): the fixed fields come from a template
 * whose checksum is known, so a volume of 100,000 small blobs does not sum 100,000 whole blocks.
 */
export function writeTarHeader(dest: Buffer, offset: number, name: string, size: number): void {
  if (!/^[\x21-\x7e]+$/.test(name) || name.length >= NAME_LENGTH) throw new AirlockError('INTERNAL', `tar entry name ${JSON.stringify(name)} does not fit a ustar header`);
  if (!Number.isSafeInteger(size) || size < 0 || size > TAR_MAX_ENTRY_SIZE) throw new AirlockError('INTERNAL', `tar entry size ${size} does not fit a ustar header`);
  TEMPLATE.copy(dest, offset);
  let sum = TEMPLATE_SUM;
  dest.write(name, offset + NAME, 'latin1');
  sum += byteSum(dest, offset + NAME, name.length);
  dest.write(`${size.toString(8).padStart(11, '0')}\0`, offset + SIZE, 'latin1');
  sum += byteSum(dest, offset + SIZE, 12);
  dest.write(`${sum.toString(8).padStart(6, '0')}\0 `, offset + CHKSUM, 'latin1');
}

/** Every fixed field of encodeTarHeader, name and size left zero, checksum field as spaces. */
const TEMPLATE = (() => {
  const block = Buffer.alloc(TAR_BLOCK);
  writeOctal(block, MODE, 8, 0o644);
  writeOctal(block, UID, 8, 0);
  writeOctal(block, GID, 8, 0);
  writeOctal(block, MTIME, 12, 0);
  block.write('0', TYPEFLAG, 'latin1');
  USTAR_MAGIC.copy(block, MAGIC);
  block.write('00', VERSION, 'latin1');
  writeOctal(block, DEVMAJOR, 8, 0);
  writeOctal(block, DEVMINOR, 8, 0);
  block.fill(0x20, CHKSUM, CHKSUM + 8);
  return block;
})();
const TEMPLATE_SUM = byteSum(TEMPLATE, 0, TAR_BLOCK);

function byteSum(buf: Buffer, start: number, length: number): number {
  let sum = 0;
  for (let i = start; i < start + length; i++) sum += buf[i] as number;
  return sum;
}

export interface TarHeader {
  name: string;
  size: number;
  typeflag: string;
}

const TYPE_NAMES: Record<string, string> = {
  '1': 'a hard link', '2': 'a symbolic link', '3': 'a character device', '4': 'a block device', '5': 'a directory',
  '6': 'a FIFO', '7': 'a contiguous file', x: 'a pax extended header', g: 'a pax global header',
  L: 'a GNU long name', K: 'a GNU long link name', '\0': 'an old-style (pre-POSIX) file',
};

/**
 * Decodes one header block of a volume (attacker-controlled). A damaged block is VOLUME_CORRUPT;
 * a well-formed header describing anything but a plain regular file with a short name is
 * TAR_ENTRY_INVALID. The name is returned raw: the caller matches it against the names it expects.
 */
export function decodeTarHeader(block: Buffer): TarHeader {
  const stored = parseOctal(block.subarray(CHKSUM, CHKSUM + 8));
  if (stored === undefined || stored !== checksum(block)) throw new AirlockError('VOLUME_CORRUPT', 'a tar header checksum does not match: the volume is damaged; copy it again from the source media');
  if (!block.subarray(MAGIC, MAGIC + 6).equals(USTAR_MAGIC) || block.toString('latin1', VERSION, VERSION + 2) !== '00') {
    throw entryInvalid('a tar header is not POSIX ustar (GNU or old-style tar headers are not allowed in volumes)');
  }
  const name = readName(block);
  const typeflag = block.toString('latin1', TYPEFLAG, TYPEFLAG + 1);
  if (typeflag !== '0') throw entryInvalid(`tar entry ${JSON.stringify(name)} is ${TYPE_NAMES[typeflag] ?? `of unknown type ${JSON.stringify(typeflag)}`}; volumes hold regular files only`);
  if (!isZero(block, LINKNAME, LINKNAME + 100)) throw entryInvalid(`tar entry ${JSON.stringify(name)} carries a link target`);
  if (!isZero(block, PREFIX, PREFIX + 155)) throw entryInvalid(`tar entry ${JSON.stringify(name)} uses the ustar name prefix field`);
  const sizeField = block.subarray(SIZE, SIZE + 12);
  if ((sizeField[0] ?? 0) & 0x80) throw entryInvalid(`tar entry ${JSON.stringify(name)} uses a base-256 size`);
  const size = parseOctal(sizeField);
  if (size === undefined) throw new AirlockError('VOLUME_CORRUPT', `tar entry ${JSON.stringify(name)} has an unreadable size field: the volume is damaged`);
  return { name, size, typeflag };
}

export function isZeroBlock(block: Buffer): boolean {
  return isZero(block, 0, block.length);
}

/** The name up to its NUL; bytes after the NUL must be NUL too, so no other tool sees a different name. */
function readName(block: Buffer): string {
  const field = block.subarray(NAME, NAME + NAME_LENGTH);
  const end = field.indexOf(0);
  const length = end === -1 ? NAME_LENGTH : end;
  const name = field.toString('latin1', 0, length);
  if (!/^[\x21-\x7e]*$/.test(name)) throw entryInvalid(`tar entry name ${JSON.stringify(name)} has characters outside printable ASCII`);
  if (!isZero(field, length, NAME_LENGTH)) throw entryInvalid(`tar entry name ${JSON.stringify(name)} hides bytes after its end`);
  return name;
}

function checksum(block: Buffer): number {
  let sum = 0;
  for (let i = 0; i < TAR_BLOCK; i++) sum += i >= CHKSUM && i < CHKSUM + 8 ? 0x20 : (block[i] ?? 0);
  return sum;
}

function writeOctal(block: Buffer, offset: number, width: number, value: number): void {
  block.write(`${value.toString(8).padStart(width - 1, '0')}\0`, offset, 'latin1');
}

/** Octal digits, optionally space-padded in front and NUL/space-terminated, as tar writers produce. */
function parseOctal(field: Buffer): number | undefined {
  const match = /^ *([0-7]{1,12})[ \0]*$/.exec(field.toString('latin1'));
  if (!match?.[1]) return undefined;
  const value = Number.parseInt(match[1], 8);
  return Number.isSafeInteger(value) ? value : undefined;
}

function isZero(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] !== 0) return false;
  return true;
}

function entryInvalid(message: string): AirlockError {
  return new AirlockError('TAR_ENTRY_INVALID', `${message}; this volume was not written by airlock or was tampered with`);
}
