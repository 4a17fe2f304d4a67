import { describe, expect, it } from 'vitest';
import { sha256Digest } from '@airlock/core';
import type { Descriptor } from './media-types.js';
import { selectPlatforms } from './platform.js';

const entry = (os: string, architecture: string, variant?: string): Descriptor => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: sha256Digest(`${os}/${architecture}/${variant}`),
  size: 1,
  platform: { os, architecture, ...(variant ? { variant } : {}) },
});

describe('selectPlatforms', () => {
  const children = [entry('linux', 'amd64'), entry('linux', 'arm64', 'v8'), entry('linux', 'arm', 'v7'), entry('unknown', 'unknown')];

  it('keeps every real platform by default and drops attestation entries', () => {
    expect(selectPlatforms(children, []).map((c) => c.platform?.architecture)).toEqual(['amd64', 'arm64', 'arm']);
  });

  it('matches os/arch, and the variant only when given', () => {
    expect(selectPlatforms(children, ['linux/arm64']).map((c) => c.platform?.architecture)).toEqual(['arm64']);
    expect(selectPlatforms(children, ['linux/arm/v6'])).toEqual([]);
    expect(selectPlatforms(children, ['linux/arm/v7', 'linux/amd64'])).toHaveLength(2);
  });
});
