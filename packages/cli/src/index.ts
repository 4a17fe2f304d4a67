export * from './program.js';
export * from './exit-codes.js';
export * from './config/load-config.js';
export * from './config/validate-config.js';
