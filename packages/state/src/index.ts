export type { StateOpenOptions } from './database.js';
export * from './export-state.js';
export * from './site-state.js';
export type * from './site-types.js';
export * from './process-lock.js';
export type { WrittenVolumeRecord } from './export-volumes.js';
