export * from './decompress.js';
export * from './limits.js';
export * from './zstd-decoder.js';
