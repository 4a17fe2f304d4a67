import { AirlockError } from '@airlock/core';

const STD_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const SHA3_384_B64URL = /^[A-Za-z0-9_-]{64}$/;

/**
 * Standard base64 with padding, as snapd's decodeV1 reads it: line breaks are ignored, anything
 * else outside the alphabet is refused (Buffer.from(…, 'base64') would silently skip it).
 */
export function decodeStdBase64(text: string, what: string): Buffer {
  const flat = text.replace(/[\r\n]/g, '');
  if (flat.length === 0 || flat.length % 4 !== 0 || !STD_BASE64.test(flat)) {
    throw new AirlockError('UPSTREAM_INVALID', `${what} is not valid base64`);
  }
  const data = Buffer.from(flat, 'base64');
  // Unused low bits must be zero, so one signature has exactly one spelling.
  if (data.toString('base64') !== flat) throw new AirlockError('UPSTREAM_INVALID', `${what} is not canonical base64`);
  return data;
}

/** Base64url without padding: the spelling of every SHA3-384 in assertions (key ids, snap-sha3-384). */
export function base64Url(data: Uint8Array): string {
  return Buffer.from(data).toString('base64url');
}

export function isSha3Base64Url(value: unknown): value is string {
  return typeof value === 'string' && SHA3_384_B64URL.test(value);
}

/** The hex SHA3-384 the store's JSON uses, as the base64url spelling assertions use. */
export function sha3HexToBase64Url(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64url');
}

/** snapd's encodeV1: base64 of 0x01 || data, wrapped at 76 columns. */
export function encodeV1(data: Uint8Array): string {
  const flat = Buffer.concat([Buffer.from([1]), Buffer.from(data)]).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < flat.length; i += 76) lines.push(flat.slice(i, i + 76));
  return lines.join('\n');
}
