import { createHash, createPublicKey, verify, constants, type KeyObject } from 'node:crypto';
import { AirlockError } from '@airlock/core';
import { base64Url, decodeStdBase64 } from './base64.js';

/** snapd serialises every account-key with this creation time before hashing it (v1FixedTimestamp). */
const FIXED_TIMESTAMP = 0x5685c180;
const RSA = 1;
const HASHES: Record<number, string> = { 8: 'sha256', 10: 'sha512' };

export interface PublicKey {
  /** base64url(SHA3-384(0x01 || public-key packet)), as in public-key-sha3-384. */
  id: string;
  bits: number;
  modulusBytes: number;
  key: KeyObject;
}

export interface SignaturePacket {
  hash: string;
  /** Version through the hashed subpackets: the part the v4 trailer covers. */
  hashedPart: Buffer;
  hashTag: Buffer;
  /** From the unhashed issuer subpacket, when present (Go's signer writes it; the store's does not). */
  issuer: string | undefined;
  /** The RSA signature left-padded to the modulus size later, when the key is known. */
  value: Buffer;
}

/** Decodes an account-key body: encodeV1 of an OpenPGP v4 RSA public-key packet. */
export function decodePublicKey(text: string, what: string): PublicKey {
  const { tag, body } = readPacket(decodeV1(text, `${what} public key`), `${what} public key`);
  if (tag !== 6) throw bad(what, 'body is not a public-key packet');
  const r = new Reader(body, `${what} public key`);
  if (r.byte() !== 4) throw bad(what, 'public key is not OpenPGP v4');
  r.take(4); // creation time: snapd replaces it by the fixed one
  if (r.byte() !== RSA) throw bad(what, 'public key is not RSA');
  const n = r.mpi();
  const e = r.mpi();
  r.end();
  if (n.length < 64 || e.length === 0 || e.length > 8) throw bad(what, 'public key has an unusable RSA modulus or exponent');
  const canonical = Buffer.concat([Buffer.from([4]), u32(FIXED_TIMESTAMP), Buffer.from([RSA]), mpi(n), mpi(e)]);
  const id = base64Url(createHash('sha3-384').update(Buffer.from([1])).update(packetHeader(6, canonical.length)).update(canonical).digest());
  let key: KeyObject;
  try {
    key = createPublicKey({ key: { kty: 'RSA', n: n.toString('base64url'), e: e.toString('base64url') }, format: 'jwk' });
  } catch (err) {
    throw new AirlockError('UPSTREAM_INVALID', `${what}: the RSA public key cannot be loaded`, { cause: err });
  }
  return { id, bits: n.length * 8 - Math.clz32(n[0] as number) + 24, modulusBytes: n.length, key };
}

/** Decodes an assertion signature: encodeV1 of an OpenPGP v4 binary-document RSA signature packet. */
export function decodeSignature(text: string, what: string): SignaturePacket {
  const { tag, body } = readPacket(decodeV1(text, `${what} signature`), `${what} signature`);
  if (tag !== 2) throw bad(what, 'signature is not an OpenPGP signature packet');
  const r = new Reader(body, `${what} signature`);
  if (r.byte() !== 4) throw bad(what, 'signature is not OpenPGP v4');
  if (r.byte() !== 0) throw bad(what, 'signature is not over a binary document');
  if (r.byte() !== RSA) throw bad(what, 'signature is not RSA');
  const hash = HASHES[r.byte()];
  if (hash === undefined) throw bad(what, 'signature uses a hash other than SHA-256 or SHA-512');
  const hashedLength = r.u16();
  r.take(hashedLength);
  const hashedPart = body.subarray(0, 6 + hashedLength);
  const issuer = readUnhashed(r.take(r.u16()), what);
  const hashTag = r.take(2);
  const value = r.mpi();
  r.end();
  return { hash, hashedPart, hashTag, issuer, value };
}

/** RSASSA-PKCS1-v1_5 over content || v4 trailer, as RFC 4880 §5.2.4 and snapd's CheckSignature. */
export function signatureVerifies(content: Buffer, sig: SignaturePacket, key: PublicKey): boolean {
  if (sig.value.length > key.modulusBytes) return false;
  const trailer = Buffer.concat([sig.hashedPart, Buffer.from([4, 0xff]), u32(sig.hashedPart.length)]);
  const digest = createHash(sig.hash).update(content).update(trailer).digest();
  if (digest[0] !== sig.hashTag[0] || digest[1] !== sig.hashTag[1]) return false;
  // An MPI drops leading zero bytes; OpenSSL wants the signature as long as the modulus.
  const padded = Buffer.concat([Buffer.alloc(key.modulusBytes - sig.value.length), sig.value]);
  return verify(sig.hash, Buffer.concat([content, trailer]), { key: key.key, padding: constants.RSA_PKCS1_PADDING }, padded);
}

/**
 * The unhashed area is not covered by the signature, so anything in it could be changed freely:
 * only an issuer key id is allowed. Its value cannot be checked: Canonical's root signatures name
 * the key as the HSM knows it (another creation time), and snapd ignores it too.
 */
function readUnhashed(area: Buffer, what: string): string | undefined {
  if (area.length === 0) return undefined;
  if (area.length !== 10 || area[0] !== 9 || area[1] !== 16) throw bad(what, 'signature carries unhashed data other than its issuer');
  return area.subarray(2).toString('hex');
}

function decodeV1(text: string, what: string): Buffer {
  const data = decodeStdBase64(text, what);
  if (data[0] !== 1) throw new AirlockError('UPSTREAM_INVALID', `${what} has format version ${data[0] ?? 'none'}, not 1`);
  return data.subarray(1);
}

/** One OpenPGP packet filling `data` exactly (new or old format header). */
function readPacket(data: Buffer, what: string): { tag: number; body: Buffer } {
  const r = new Reader(data, what);
  const first = r.byte();
  if ((first & 0x80) === 0) throw new AirlockError('UPSTREAM_INVALID', `${what} is not an OpenPGP packet`);
  let tag: number;
  let length: number;
  if (first & 0x40) {
    tag = first & 0x3f;
    const b0 = r.byte();
    if (b0 < 192) length = b0;
    else if (b0 < 224) length = ((b0 - 192) << 8) + r.byte() + 192;
    else if (b0 === 255) length = r.u32();
    else throw new AirlockError('UPSTREAM_INVALID', `${what} uses a partial body length`);
  } else {
    tag = (first >> 2) & 0x0f;
    const kind = first & 3;
    if (kind === 3) throw new AirlockError('UPSTREAM_INVALID', `${what} has an indeterminate length`);
    length = kind === 0 ? r.byte() : kind === 1 ? r.u16() : r.u32();
  }
  const body = r.take(length);
  r.end();
  return { tag, body };
}

class Reader {
  private offset = 0;
  constructor(
    private readonly data: Buffer,
    private readonly what: string,
  ) {}
  take(n: number): Buffer {
    if (n < 0 || this.offset + n > this.data.length) throw new AirlockError('UPSTREAM_INVALID', `${this.what} is truncated`);
    const part = this.data.subarray(this.offset, this.offset + n);
    this.offset += n;
    return part;
  }
  byte(): number {
    return this.take(1)[0] as number;
  }
  u16(): number {
    return this.take(2).readUInt16BE(0);
  }
  u32(): number {
    return this.take(4).readUInt32BE(0);
  }
  mpi(): Buffer {
    // Go's readMPI takes the bit count only as a byte count, and the store does write counts that
    // are not minimal (a 4096-bit signature whose top bit is zero), so leading zeros are dropped here.
    const bits = this.u16();
    const value = this.take((bits + 7) >> 3);
    let start = 0;
    while (start < value.length && value[start] === 0) start++;
    if (start === value.length) throw new AirlockError('UPSTREAM_INVALID', `${this.what} has a zero number`);
    return value.subarray(start);
  }
  end(): void {
    if (this.offset !== this.data.length) throw new AirlockError('UPSTREAM_INVALID', `${this.what} has trailing data`);
  }
}

export function mpi(value: Buffer): Buffer {
  const bits = value.length * 8 - Math.clz32(value[0] as number) + 24;
  const head = Buffer.alloc(2);
  head.writeUInt16BE(bits);
  return Buffer.concat([head, value]);
}

/** A new-format packet header, as Go's x/crypto/openpgp writes it. */
export function packetHeader(tag: number, length: number): Buffer {
  if (length < 192) return Buffer.from([0xc0 | tag, length]);
  if (length < 8384) return Buffer.from([0xc0 | tag, ((length - 192) >> 8) + 192, (length - 192) & 0xff]);
  return Buffer.concat([Buffer.from([0xc0 | tag, 255]), u32(length)]);
}

export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function bad(what: string, reason: string): AirlockError {
  return new AirlockError('UPSTREAM_INVALID', `${what}: ${reason}`);
}
