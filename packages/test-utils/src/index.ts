export * from './temp-dir.js';
export * from './error-code.js';
export * from './real-tools.js';
export * from './upstream-trust.js';
export * from './bombs.js';
export * from './memory.js';
export * from './gpg-home.js';
