export * from './blob-part.js';
export * from './vault.js';
export * from './snapshots.js';
export * from './vault-bytes.js';
export type { BatchEntry, BlobSink, IngestBatch } from './ingest-batch.js';
