export * from './types.js';
export * from './server.js';
