import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectCode, gzipBomb, peakRssGrowth, tempDir, zstdBomb } from '@airlock/test-utils';
import { openDecompressed } from './decompress.js';
import { findFileOwners } from './parse-filelists.js';
import { parsePrimary } from './parse-primary.js';

const MiB = 1 << 20;
/** Far below the 512 MiB each bomb expands to; the old reader's one-buffer output alone was that big. */
const BOUND = 96 * MiB;

async function bombFile(name: string, bytes: Buffer): Promise<string> {
  const path = join(await tempDir(), name);
  await writeFile(path, bytes);
  return path;
}

describe('zstd bomb in rpm metadata', () => {
  it('a 16 KiB primary.xml.zst that expands to 512 MiB is refused with a coded error, peak memory bounded', async () => {
    const path = await bombFile('primary.xml.zst', await zstdBomb(512 * MiB));
    const growth = await peakRssGrowth(async () => {
      await expectCode(parsePrimary(openDecompressed(path, 'repodata/primary.xml.zst'), () => undefined), 'UPSTREAM_INVALID');
    });
    expect(growth).toBeLessThan(BOUND);
  });

  it('a well-formed XML prefix followed by 512 MiB of text is refused before the parser buffers it', async () => {
    const bomb = Buffer.concat([await zstdBomb(10, '<metadata>'), await zstdBomb(512 * MiB, ' '.repeat(MiB))]);
    const path = await bombFile('primary.xml.zst', bomb);
    const growth = await peakRssGrowth(async () => {
      const error = await expectCode(parsePrimary(openDecompressed(path, 'repodata/primary.xml.zst'), () => undefined), 'UPSTREAM_INVALID');
      expect(error.message).toMatch(/without any markup/);
    });
    expect(growth).toBeLessThan(BOUND);
  });

  it('filelists.xml.gz: the same text bomb is refused with bounded memory', async () => {
    const bomb = Buffer.concat([await gzipBomb(12, '<filelists>\n'), await gzipBomb(512 * MiB, 'a'.repeat(MiB))]);
    const path = await bombFile('filelists.xml.gz', bomb);
    const growth = await peakRssGrowth(async () => {
      await expectCode(findFileOwners(openDecompressed(path, 'repodata/filelists.xml.gz'), new Set(['/bin/sh'])), 'UPSTREAM_INVALID');
    });
    expect(growth).toBeLessThan(BOUND);
  });

  it("repomd.xml's open-size caps what primary may decompress to", async () => {
    const xml = '<?xml version="1.0"?>\n<metadata packages="0">\n</metadata>\n';
    const path = await bombFile('primary.xml.gz', await gzipBomb(xml.length, xml));
    expect(await parsePrimary(openDecompressed(path, 'repodata/primary.xml.gz', xml.length), () => undefined)).toBe(0);
    const error = await expectCode(parsePrimary(openDecompressed(path, 'repodata/primary.xml.gz', xml.length - 1), () => undefined), 'UPSTREAM_INVALID');
    expect(error.message).toMatch(/decompression bomb/);
  });

  it('reads UTF-8 split across decompressed pieces intact (a file path with non-ASCII characters)', async () => {
    // 'é' is two bytes; padding puts one of them on each side of a 64 KiB piece boundary.
    const head = '<filelists><package pkgid="abc"><file>';
    const pad = 'x'.repeat((1 << 16) - Buffer.byteLength(head) - 1);
    const xml = `${head}/${pad.slice(1)}é</file></package></filelists>`;
    const path = await bombFile('filelists.xml', Buffer.from(xml));
    const wanted = `/${pad.slice(1)}é`;
    const owners = await findFileOwners(openDecompressed(path, 'repodata/filelists.xml'), new Set([wanted]));
    expect(owners.get(wanted)).toEqual(new Set(['abc']));
  });
});
