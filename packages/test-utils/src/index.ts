export * from './temp-dir.js';
export * from './error-code.js';
export * from './real-tools.js';
export * from './upstream-trust.js';
export * from './fuzz.js';
export * from './mutate-bytes.js';
export * from './mutate-text.js';
export * from './mutate-json.js';
