import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAirlockError } from '@airlock/core';
import { readStanzas } from './deb822.js';
import { readIndexEntries } from './index-entries.js';
import { readPackageEntry } from './package-entry.js';

const HASH = 'b'.repeat(64);

/** The two ways to read an index agree: same entries in order, or the same error code. */
async function bothWays(text: string, chunkSizes: number[]): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let i = 0, k = 0; i < bytes.length; k++) {
    const n = Math.max(1, chunkSizes[k % chunkSizes.length] ?? 1);
    chunks.push(bytes.subarray(i, i + n));
    i += n;
  }
  const viaText = await collect(async function* () {
    for await (const stanza of readStanzas(Readable.from(chunks), 't')) yield readPackageEntry(stanza, 't');
  });
  const viaBytes = await collect(() => readIndexEntries(Readable.from(chunks), 't'));
  expect(viaBytes).toEqual(viaText);
}

async function collect(make: () => AsyncGenerator<unknown>): Promise<unknown[] | { code: string }> {
  const out: unknown[] = [];
  try {
    for await (const e of make()) out.push(e);
    return out;
  } catch (err) {
    if (!isAirlockError(err)) throw err;
    return { code: err.code };
  }
}

const stanza = (i: number, extra = '') =>
  `Package: p${i}\nVersion: 1.${i}\nArchitecture: amd64\nDepends: libc6 (>= 2.3), q${i} | r\n${extra}Filename: pool/main/p/p${i}_1.${i}_amd64.deb\nSize: ${100 + i}\nSHA256: ${HASH}\nDescription: package ${i}\n long text ü\n .\n more\n`;

describe('readIndexEntries reads the bytes the way readStanzas + readPackageEntry read the text', () => {
  it('with CRLF, blank lines of spaces, continuation lines, odd field case and chunk boundaries anywhere', async () => {
    const text = [
      stanza(1), '\n', '  \t\n', stanza(2, 'provides: virt\nPRE-DEPENDS: dpkg\nProvides: later\n'),
      '\n', stanza(3).replace(/\n/g, '\r\n'), '\r\n', stanza(4, 'Depends: override\n    continued,\n again\n'), ' \n',
    ].join('');
    for (const sizes of [[1], [2, 3], [7], [64], [1 << 20]]) await bothWays(text, sizes);
  });

  it('refuses the same bad stanzas (UPSTREAM_INVALID)', async () => {
    await bothWays(`${stanza(1)}\n${stanza(2).replace('Size: 102', 'Size: big')}`, [5]);
    await bothWays(stanza(1).replace('pool/main', '../../etc'), [3]);
  });

  it('agrees on random indexes (property)', async () => {
    const field = fc.constantFrom('Package', 'Version', 'Architecture', 'Depends', 'Provides', 'Filename', 'Size', 'SHA256', 'Description', 'X-Odd', 'PACKAGE', 'Pac\u212Aage', 'depends');
    const line = fc.oneof(
      fc.tuple(field, fc.string({ maxLength: 20, unit: 'binary' })).map(([name, value]) => `${name}: ${value.replace(/\n/g, ' ')}`),
      fc.string({ maxLength: 10 }).map((s) => ` ${s.replace(/\n/g, ' ')}`),
      fc.constantFrom('', ' ', '\t', '\r', ' \r', '\r \r', '\t \r', '\u00a0', ' \u2028 ', '\v'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(line, fc.integer({ min: 0, max: 50 }).map((i) => stanza(i).trimEnd())), { maxLength: 30 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }), async (lines, sizes) => {
        await bothWays(lines.join('\n'), sizes);
      }),
      { numRuns: 300 },
    );
  });
});
