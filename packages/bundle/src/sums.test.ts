import { describe, expect, it } from 'vitest';
import { expectCodeSync } from '@airlock/test-utils';
import { formatSha256Sums, parseSha256Sums } from './sums.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

describe('SHA256SUMS', () => {
  it('writes sha256sum text-mode lines sorted by name', () => {
    const text = formatSha256Sums([
      { name: 'dc1-000001.vol-0002.tar.zst', sha256: B },
      { name: 'dc1-000001.manifest.json', sha256: A },
    ]);
    expect(text).toBe(`${A}  dc1-000001.manifest.json\n${B}  dc1-000001.vol-0002.tar.zst\n`);
    expect(parseSha256Sums(text)).toEqual([
      { name: 'dc1-000001.manifest.json', sha256: A },
      { name: 'dc1-000001.vol-0002.tar.zst', sha256: B },
    ]);
  });

  it('reads binary-mode lines and a missing final newline', () => {
    expect(parseSha256Sums(`${A} *x.tar`)).toEqual([{ name: 'x.tar', sha256: A }]);
  });

  it('refuses names that leave the bundle dir, bad digests, repeats and empty lists', () => {
    for (const text of [`${A}  ../etc/passwd\n`, `${A}  /abs\n`, `${A}  sub/x\n`, `${'A'.repeat(64)}  x\n`, `${A} x\n`, `${A}  x\n${B}  x\n`, '', 'garbage\n']) {
      expectCodeSync(() => parseSha256Sums(text), 'MANIFEST_INVALID');
    }
  });

  it('refuses to list names sha256sum would escape or that repeat', () => {
    expectCodeSync(() => formatSha256Sums([{ name: 'a\nb', sha256: A }]), 'INTERNAL');
    expectCodeSync(() => formatSha256Sums([{ name: 'a', sha256: 'xyz' }]), 'INTERNAL');
    expectCodeSync(() => formatSha256Sums([{ name: 'a', sha256: A }, { name: 'a', sha256: B }]), 'INTERNAL');
  });
});
