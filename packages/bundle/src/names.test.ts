import { describe, expect, it } from 'vitest';
import { expectCodeSync } from '@airlock/test-utils';
import { blobEntryName, bundleId, manifestFileName, volumeFileName } from './names.js';

describe('bundle file names', () => {
  it('pads the sequence to six digits and volume numbers to four', () => {
    const id = bundleId('dc1', 42);
    expect(id).toBe('dc1-000042');
    expect(manifestFileName(id)).toBe('dc1-000042.manifest.json');
    expect(volumeFileName(id, 1, 'zstd')).toBe('dc1-000042.vol-0001.tar.zst');
    expect(volumeFileName(id, 12, 'none')).toBe('dc1-000042.vol-0012.tar');
    expect(bundleId('dc1', 1234567)).toBe('dc1-1234567');
  });

  it('refuses channels that are not plain names and sequences below 1', () => {
    expectCodeSync(() => bundleId('../x', 1), 'USAGE');
    expectCodeSync(() => bundleId('a/b', 1), 'USAGE');
    expectCodeSync(() => bundleId('dc1', 0), 'USAGE');
    expectCodeSync(() => bundleId('dc1', 1.5), 'USAGE');
  });

  it('names whole blobs and parts inside a volume', () => {
    const digest = `sha256:${'ab'.repeat(32)}` as const;
    expect(blobEntryName(digest)).toBe(`blobs/sha256/${'ab'.repeat(32)}`);
    expect(blobEntryName(digest, 3)).toBe(`blobs/sha256/${'ab'.repeat(32)}.part-3`);
  });
});
