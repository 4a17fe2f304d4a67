import { describe, expect, it } from 'vitest';
import { Header } from 'tar';
import { expectCodeSync } from '@airlock/test-utils';
import { decodeTarHeader, encodeTarHeader } from './tar-header.js';
import { rawHeader } from './__tests__/hostile-tar.js';

describe('tar headers', () => {
  it('writes ustar headers that node-tar reads back as deterministic regular files', () => {
    const name = `blobs/sha256/${'0f'.repeat(32)}.part-12`;
    const parsed = new Header(encodeTarHeader(name, 0o77777777777));
    expect(parsed.cksumValid).toBe(true);
    expect(parsed.path).toBe(name);
    expect(parsed.size).toBe(0o77777777777);
    expect(parsed.type).toBe('File');
    expect(parsed.mode).toBe(0o644);
    expect([parsed.uid, parsed.gid, parsed.mtime?.getTime()]).toEqual([0, 0, 0]);
  });

  it('reads back what it writes', () => {
    expect(decodeTarHeader(encodeTarHeader('volume.json', 1234))).toEqual({ name: 'volume.json', size: 1234, typeflag: '0' });
  });

  it('refuses to encode names and sizes ustar cannot hold', () => {
    expectCodeSync(() => encodeTarHeader('x'.repeat(100), 1), 'INTERNAL');
    expectCodeSync(() => encodeTarHeader('a b', 1), 'INTERNAL');
    expectCodeSync(() => encodeTarHeader('x', 0o100000000000), 'INTERNAL');
  });

  it('decodes the space-padded octal other tar writers produce', () => {
    const block = rawHeader({ name: 'volume.json', size: 0, sizeField: Buffer.from('      1750 \0', 'latin1') });
    expect(decodeTarHeader(block).size).toBe(0o1750);
  });
});
