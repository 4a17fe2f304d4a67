import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Digest, silentProgress, type Artifact, type Fetcher, type Progress } from '@airlock/core';
import { tempDir } from '@airlock/test-utils';
import { BlobReader } from './blob-reader.js';

/** A fetcher that writes the blob and reports it in three increments, as the real one does. */
function incrementalFetcher(body: Buffer): Fetcher {
  return {
    getBytes: async () => Buffer.alloc(0),
    download: async (_urls, dest, options) => {
      await mkdir(dirname(dest), { recursive: true });
      await writeFile(dest, body);
      const third = Math.floor(body.length / 3);
      for (const n of [third, third, body.length - 2 * third]) options?.onProgress?.(n);
      return { digest: sha256Digest(body), size: body.length };
    },
  };
}

describe('BlobReader.materialize', () => {
  it('regression: download progress was read as a running total, so the bar lagged and could go backwards', async () => {
    const body = Buffer.alloc(300_000, 7);
    const artifact: Artifact = { digest: sha256Digest(body), size: body.length, label: 'blob', source: { kind: 'url', urls: ['http://127.0.0.1:9/blob'] } };
    const advances: number[] = [];
    const progress: Progress = { ...silentProgress, task: () => ({ advance: (n) => void advances.push(n), done: () => undefined }) };
    const reader = new BlobReader(new Map([[artifact.digest, artifact]]), await tempDir());
    await reader.materialize([artifact], incrementalFetcher(body), progress);
    expect(advances.every((n) => n > 0)).toBe(true);
    expect(advances.reduce((a, b) => a + b, 0)).toBe(body.length);
  });
});
