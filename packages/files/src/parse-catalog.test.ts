import { describe, expect, it } from 'vitest';
import { sha256Digest } from '@airlock/core';
import { expectCodeSync } from '@airlock/test-utils';
import { parseFilesCatalog } from './parse-catalog.js';

const digest = sha256Digest('x');
const file = (path: string) => ({ path, type: 'file', digest, size: 1, mode: 0o644 });
const link = (path: string, target: string) => ({ path, type: 'symlink', target });
const dir = (path: string, mode = 0o755) => ({ path, type: 'dir', mode });

function rejected(entries: unknown[]): string[] {
  const err = expectCodeSync(() => parseFilesCatalog({ version: 1, entries }), 'MANIFEST_INVALID');
  return (err.details?.problems as Array<{ path: string }>).map((p) => p.path);
}

describe('parseFilesCatalog', () => {
  it('accepts a well-formed tree', () => {
    const catalog = { version: 1, entries: [dir('a'), file('a/b.txt'), link('a/c', 'b.txt'), link('a/up', '../top'), link('self', '.'), file('top')] };
    expect(parseFilesCatalog(catalog)).toEqual(catalog);
  });

  it('rejects traversal, absolute, empty and dot paths', () => {
    expect(rejected([file('../etc/passwd'), file('/etc/passwd'), file('a/../../b'), file('a//b'), file('./a'), file(''), file('a\0b')])).toEqual(
      ['entries[0].path', 'entries[1].path', 'entries[2].path', 'entries[3].path', 'entries[4].path', 'entries[5].path', 'entries[6].path'],
    );
  });

  it('rejects duplicate paths', () => {
    expect(rejected([file('a'), dir('a')])).toEqual(['entries[1].path']);
  });

  it('rejects symlinks that escape the tree', () => {
    expect(rejected([link('l1', '../outside'), link('d/l2', '../../outside'), link('l3', '/etc/passwd'), link('l4', 'up/../../x'), link('l5', './x'), link('l6', '')])).toEqual(
      ['entries[0].target', 'entries[1].target', 'entries[2].target', 'entries[3].target', 'entries[4].target', 'entries[5].target'],
    );
  });

  it('rejects entries under a file or a symlink', () => {
    expect(rejected([link('l', 'real'), dir('real'), file('l/passwd'), file('f'), dir('f/sub')])).toEqual(['entries[2].path', 'entries[4].path']);
  });

  it('rejects bad modes, digests, sizes, types and unknown keys', () => {
    expect(
      rejected([
        { ...file('a'), mode: 0o10000 },
        { ...file('b'), mode: 1.5 },
        { ...file('c'), digest: 'sha256:XYZ' },
        { ...file('d'), size: -1 },
        { path: 'e', type: 'fifo' },
        { ...dir('f'), owner: 'root' },
        'nope',
      ]),
    ).toEqual(['entries[0].mode', 'entries[1].mode', 'entries[2].digest', 'entries[3].size', 'entries[4].type', 'entries[5].owner', 'entries[6]']);
  });

  it('rejects a wrong envelope', () => {
    expectCodeSync(() => parseFilesCatalog(null), 'MANIFEST_INVALID');
    expectCodeSync(() => parseFilesCatalog({ version: 2, entries: [] }), 'MANIFEST_INVALID');
    expectCodeSync(() => parseFilesCatalog({ version: 1, entries: {}, extra: true }), 'MANIFEST_INVALID');
  });

  it('caps the number of listed problems for huge hostile catalogs', () => {
    const err = expectCodeSync(() => parseFilesCatalog({ version: 1, entries: Array.from({ length: 10_000 }, () => file('../x')) }), 'MANIFEST_INVALID');
    expect((err.details?.problems as unknown[]).length).toBeLessThanOrEqual(101);
  });
});
