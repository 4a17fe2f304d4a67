/** Sizes of the tar subset volumes use: ustar headers, 512-byte blocks, a 1024-byte end marker. */
export const TAR_BLOCK = 512;
export const TAR_END_OF_ARCHIVE = 2 * TAR_BLOCK;
/** The ustar size field holds 11 octal digits; larger entries would need extensions we refuse. */
export const TAR_MAX_ENTRY_SIZE = 0o77777777777;

/** Bytes of zero padding after `size` bytes of entry data. */
export function tarPadding(size: number): number {
  const rest = size % TAR_BLOCK;
  return rest === 0 ? 0 : TAR_BLOCK - rest;
}

/** Bytes an entry of `size` takes in the archive: header, data, padding. */
export function tarEntryBytes(size: number): number {
  return TAR_BLOCK + size + tarPadding(size);
}
