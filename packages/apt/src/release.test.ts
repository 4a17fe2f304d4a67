import { describe, expect, it } from 'vitest';
import { expectCodeSync } from '@airlock/test-utils';
import { parseRelease } from './release.js';

const HEX = 'a'.repeat(64);
const release = (size: string): string => `Origin: Test\nDate: Sat, 01 Jun 2024 00:00:00 UTC\nSHA256:\n ${HEX} ${size} main/binary-amd64/Packages\n`;

describe('parseRelease', () => {
  it('reads sizes up to the largest exact integer', () => {
    expect(parseRelease(release(String(Number.MAX_SAFE_INTEGER)), 'Release').files.get('main/binary-amd64/Packages')?.size).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('regression: a size too large to represent exactly (99999999999999999999) was accepted and rounded', () => {
    expectCodeSync(() => parseRelease(release('99999999999999999999'), 'Release'), 'UPSTREAM_INVALID');
  });
});
