/** Upstream keys travel in the catalog as armored text, or binary keys as `base64:<data>`. */
export function keyData(key: string): string | Uint8Array {
  return key.startsWith('base64:') ? Buffer.from(key.slice(7), 'base64') : key;
}
