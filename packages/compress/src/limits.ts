/**
 * The most any upstream metadata file (an apt Packages index, rpm primary or filelists XML) may
 * decompress to when its signed metadata does not declare the size. The largest real ones
 * (Fedora's filelists) stay well under a gigabyte; a decompression bomb stops here.
 */
export const MAX_METADATA_BYTES = 2 * 1024 ** 3;
