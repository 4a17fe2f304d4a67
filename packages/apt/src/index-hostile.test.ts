import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentProgress, type Fetcher } from '@airlock/core';
import { expectCode, gzipBomb, tempDir } from '@airlock/test-utils';
import { fetchIndex } from './fetch-index.js';
import { normalizeFilename } from './package-entry.js';
import type { LoadedDist } from './load-upstream.js';
import type { ParsedRelease } from './release.js';
import { selectPackages } from './select-packages.js';
import type { AptSpec } from './types.js';

const MiB = 1 << 20;
const HASH = 'a'.repeat(64);
const INDEX = 'main/binary-amd64/Packages.gz';

const stanza = (name: string, version: string, filename: string): string =>
  `Package: ${name}\nVersion: ${version}\nArchitecture: amd64\nFilename: ${filename}\nSize: 3\nSHA256: ${HASH}\n\n`;

const spec = (packages?: string[]): AptSpec => ({
  type: 'apt', name: 'fx', url: 'http://127.0.0.1:9/', suites: ['stable'], components: ['main'], architectures: ['amd64'], keyring: '/k',
  ...(packages ? { packages: packages.map((name) => ({ name })) } : {}),
  dependencies: true, recommends: false, suggests: false, allowExpired: false, byHash: false,
});

/** A fetcher that "downloads" `bytes` for any URL, as the real one would after checking them. */
function fetcherServing(bytes: Buffer): Fetcher {
  return {
    getBytes: async () => bytes,
    download: async (_urls, dest) => {
      await mkdir(dirname(dest), { recursive: true });
      await writeFile(dest, bytes);
      return { digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, size: bytes.length };
    },
  };
}

/** Release lists the compressed index, and the uncompressed one with `openSize` (as dak and apt-ftparchive do). */
async function loadedDist(compressed: Buffer, openSize: number | undefined): Promise<LoadedDist> {
  const sha256 = createHash('sha256').update(compressed).digest('hex');
  const files = new Map([[INDEX, { sha256, size: compressed.length }]]);
  if (openSize !== undefined) files.set('main/binary-amd64/Packages', { sha256: HASH, size: openSize });
  const release: ParsedRelease = { fields: new Map(), files, date: new Date(0) };
  const fetched = await fetchIndex(fetcherServing(compressed), 'http://127.0.0.1:9/dists/stable/', release, INDEX, await tempDir());
  return { suite: 'stable', flat: false, release: { kind: 'inrelease', text: '' }, indexes: [{ component: 'main', architecture: 'amd64', ...fetched }] };
}

describe('apt indexes from a hostile upstream', () => {
  it('decompression bomb: a Packages.gz that expands past the size Release lists for Packages is refused (UPSTREAM_INVALID)', async () => {
    const one = stanza('app', '1.0', 'pool/main/a/app/app_1.0_amd64.deb');
    const bomb = await gzipBomb(64 * MiB, one.repeat(Math.floor(MiB / one.length)));
    const dist = await loadedDist(bomb, one.length);
    const error = await expectCode(selectPackages(spec(['app']), [dist], silentProgress), 'UPSTREAM_INVALID');
    expect(error.message).toMatch(/decompression bomb/);
  });

  it('reads an index that stays within the listed uncompressed size', async () => {
    const text = stanza('app', '1.0', 'pool/main/a/app/app_1.0_amd64.deb');
    const dist = await loadedDist(await gzipBomb(text.length, text), text.length);
    const selected = await selectPackages(spec(['app']), [dist], silentProgress);
    expect(selected[0]?.[0]?.stanzas).toHaveLength(1);
  });

  it('skipped stanza: an unusable stanza is an error naming the package, not a warning then a closure failure', async () => {
    const text = stanza('app', '1.0', 'pool/main/a/app/app_1.0_amd64.deb') + stanza('evil', '2.0', '../../../etc/evil.deb');
    const dist = await loadedDist(await gzipBomb(text.length, text), undefined);
    const error = await expectCode(selectPackages(spec(['app']), [dist], silentProgress), 'UPSTREAM_INVALID');
    expect(error.message).toContain('"evil" 2.0 (amd64)');
    expect(error.message).toContain('"../../../etc/evil.deb"');
    expect(error.details).toMatchObject({ package: 'evil', version: '2.0' });
  });

  it('epoch colon in a pool Filename (pool/main/z/zeta_1:0.9-1_amd64.deb) is accepted, as apt-get accepts it', async () => {
    const text = stanza('zeta', '1:0.9-1', 'pool/main/z/zeta_1:0.9-1_amd64.deb');
    const dist = await loadedDist(await gzipBomb(text.length, text), text.length);
    const selected = await selectPackages(spec(['zeta']), [dist], silentProgress);
    expect(selected[0]?.[0]?.entries.map((e) => e.filename)).toEqual(['pool/main/z/zeta_1:0.9-1_amd64.deb']);
  });

  it('accepts every path character that stands for itself in a URL, and still refuses escapes', () => {
    for (const ok of ['pool/main/z/zeta_1:0.9-1_amd64.deb', './pool/c/c++/g++_13_amd64.deb', "pool/x/a~b=c,d;e@f!g$h&i'j(k)l*m_1_all.deb", 'zeta_1:0.9-1_amd64.deb', 'pool/u/u_1_amd64.udeb']) {
      expect(normalizeFilename(ok), ok).toBe(ok.replace(/^\.\//, ''));
    }
    const bad = [
      '../p.deb', 'pool/../../p.deb', '/abs/p.deb', 'pool//p.deb', 'pool/./p.deb', 'pool/p.txt', 'dists/x/p.deb', 'by-hash/p.deb',
      'pool/%2e%2e/%2e%2e/p.deb', 'pool/p.deb?x=.deb', 'pool/p#.deb', 'pool\\..\\p.deb', 'pool/p q.deb', 'pool/p\0.deb', 'pool/p\n.deb',
      `pool/${'a'.repeat(256)}.deb`, 'pool/é.deb',
    ];
    for (const path of bad) expect(normalizeFilename(path), JSON.stringify(path)).toBeUndefined();
  });
});
