import { describe, expect, it } from 'vitest';
import { expectCodeSync } from '@airlock/test-utils';
import type { Digest } from '@airlock/core';
import { AheadCursor, encodeAheadList, type AheadSource } from './read-ahead-list.js';
import { blobEntryName } from './names.js';

const digest = (n: number): Digest => `sha256:${n.toString(16).padStart(64, '0')}`;

function walk(cursor: AheadCursor): Array<ReturnType<AheadCursor['current']>> {
  const seen = [];
  for (; !cursor.done; cursor.next()) seen.push(cursor.current());
  return seen;
}

describe('the read-ahead file list handed to the worker as flat values', () => {
  it('gives back every file in order: path, offset, length, entry name and settled stamp, parts included', () => {
    const sources: AheadSource[] = [
      { path: '/tree/a', digest: digest(1), offset: 0, length: 10 },
      { path: '/tree/ünïcode name with spaces', digest: digest(2), offset: 0, length: 0 },
      { path: '/tree/big', digest: digest(3), offset: 1 << 20, length: 4096, part: 2 },
      { path: '/tree/big', digest: digest(3), offset: 0, length: 1, part: 0 },
      { path: '/a/b/c/d', digest: digest(4), offset: 0, length: 256 << 10, settled: { size: 256 << 10, mtimeMs: 1_700_000_000_123.456, ctimeMs: 1_700_000_001_000.5, ino: 2 ** 40 + 7 } },
    ];
    const list = encodeAheadList(sources);
    expect(list.count).toBe(sources.length);
    expect(walk(new AheadCursor(list))).toEqual(
      sources.map((s) => ({ path: s.path, offset: s.offset, length: s.length, name: blobEntryName(s.digest, s.part), ...(s.settled ? { settled: s.settled } : {}) })),
    );
  });

  it('survives the structured clone a worker message makes, and an empty list has no files', () => {
    const list = encodeAheadList([{ path: '/x', digest: digest(9), offset: 3, length: 5 }]);
    expect(walk(new AheadCursor(structuredClone(list)))).toEqual([{ path: '/x', offset: 3, length: 5, name: blobEntryName(digest(9)) }]);
    const empty = new AheadCursor(encodeAheadList([]));
    expect(empty.done).toBe(true);
    expect(() => empty.current()).toThrow(/past its last file/);
  });

  it('refuses a path holding NUL, which would shift every path after it', () => {
    expectCodeSync(() => encodeAheadList([{ path: '/a\0b', digest: digest(1), offset: 0, length: 1 }]), 'INTERNAL');
  });

  it('the cursor tells the index of the file it is at (a failure names it)', () => {
    const cursor = new AheadCursor(encodeAheadList([1, 2, 3].map((n) => ({ path: `/f${n}`, digest: digest(n), offset: 0, length: n }))));
    cursor.next();
    expect(cursor.at).toBe(1);
    expect(cursor.current().path).toBe('/f2');
  });
});
