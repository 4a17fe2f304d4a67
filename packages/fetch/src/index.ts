export { createFetcher, type ClosableFetcher } from './fetcher.js';
export type { FetcherOptions } from './options.js';
export { mapConcurrent } from './map-concurrent.js';
