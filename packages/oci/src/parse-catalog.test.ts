import { describe, expect, it } from 'vitest';
import { AirlockError, sha256Digest } from '@airlock/core';
import { OCI_MANIFEST } from './media-types.js';
import { parseOciCatalog } from './parse-catalog.js';

const manifest = { digest: sha256Digest('m'), size: 1, mediaType: OCI_MANIFEST };
const good = () => ({
  version: 1,
  images: [{ repository: 'acc/app', tag: '1', digest: manifest.digest, size: 1, mediaType: OCI_MANIFEST, upstream: 'h/acc/app:1' }],
  manifests: [manifest],
  blobs: [{ digest: sha256Digest('b'), size: 1, mediaType: 'application/octet-stream' }],
});

function problems(raw: unknown): string[] {
  try {
    parseOciCatalog(raw);
  } catch (err) {
    expect((err as AirlockError).code).toBe('MANIFEST_INVALID');
    return ((err as AirlockError).details?.problems as Array<{ path: string }>).map((p) => p.path);
  }
  throw new Error('accepted');
}

describe('parseOciCatalog (hostile catalogs)', () => {
  it('accepts a well-formed catalog', () => {
    expect(parseOciCatalog(good()).images).toHaveLength(1);
  });

  it('refuses path-like repositories, bad tags, unknown manifests, duplicates and header-injecting media types', () => {
    const c = good();
    c.images.push({ ...c.images[0]!, repository: '../../etc' }, { ...c.images[0]! }, { ...c.images[0]!, tag: 'x\ny', digest: sha256Digest('other') });
    c.blobs.push({ digest: sha256Digest('c'), size: -1, mediaType: 'a\r\nX-Evil: 1' });
    expect(problems(c)).toEqual(expect.arrayContaining(['images[1].repository', 'images[2]', 'images[3].tag', 'images[3].digest', 'blobs[1].size', 'blobs[1].mediaType']));
    expect(problems({ ...good(), manifests: [{ ...manifest, mediaType: 'text/html' }] })).toContain('manifests[0].mediaType');
  });
});
