const ARMOR_START = '-----BEGIN PGP ';
const utf8 = new TextEncoder();

export function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? utf8.encode(data) : data;
}

export function isBlank(data: Uint8Array | string): boolean {
  if (typeof data === 'string') return data.trim() === '';
  return data.every((byte) => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d);
}

/** True when bytes are ASCII armor rather than binary packets (binary packets start with a byte >= 0x80). */
export function looksArmored(data: Uint8Array): boolean {
  let start = 0;
  while (start < data.length && (data[start] === 0x20 || data[start] === 0x09 || data[start] === 0x0a || data[start] === 0x0d)) start++;
  const head = new TextDecoder('latin1').decode(data.subarray(start, start + ARMOR_START.length));
  return head === ARMOR_START;
}

/** Armored text or binary packets, whichever the input holds. */
export function armoredOrBinary(data: Uint8Array | string): { armored: string } | { binary: Uint8Array } {
  if (typeof data === 'string') return { armored: data };
  if (looksArmored(data)) return { armored: new TextDecoder('utf-8').decode(data) };
  return { binary: data };
}

/** True when the first armor block in `text` carries no data (only headers and a checksum). */
export function armorIsEmpty(text: string): boolean {
  const lines = text.split(/\r?\n/);
  const begin = lines.findIndex((line) => line.startsWith('-----BEGIN PGP '));
  const end = lines.findIndex((line, i) => i > begin && line.startsWith('-----END PGP '));
  if (begin < 0 || end < 0) return false;
  const inner = lines.slice(begin + 1, end);
  const headerEnd = inner.findIndex((line) => line.trim() === '');
  const payload = headerEnd >= 0 ? inner.slice(headerEnd + 1) : inner;
  return payload.every((line) => line.trim() === '' || /^=[A-Za-z0-9+/]{4}$/.test(line.trim()));
}
