import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { LISTING_PAGE_SIZE } from './directory-listing.js';
import { publishDir, serve } from './__tests__/fixture.js';

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return { ...real, readdir: vi.fn(real.readdir) };
});

// The issue measured 50k entries (2 s and 4.8 MB a request); 20k keep the test quick on slow disks and still span 20 pages.
const ENTRIES = 20_000;
const rowsIn = (html: string): number => (html.match(/<tr><td><a href="(?!\.\.\/)/g) ?? []).length;

describe('directory listings are unbounded (tens of thousands of entries)', () => {
  it('are paged (?page=N, 1000 entries a page) and streamed, so a request costs one page, not the whole directory', async () => {
    const publish = await publishDir();
    const dir = await publish.snapshot('1', { 'keys/site.asc': 'k' });
    await fs.mkdir(join(dir, 'pool'));
    const handles = Array.from({ length: ENTRIES }, (_, i) => `pkg-${String(i).padStart(5, '0')}_1.0_amd64.deb`);
    for (let i = 0; i < handles.length; i += 500) await Promise.all(handles.slice(i, i + 500).map((name) => fs.writeFile(join(dir, 'pool', name), 'x')));
    await publish.switchTo('1');
    const server = await serve(publish.current);

    const first = await fetch(`${server.url}pool/`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-length')).toBeNull();
    expect(first.headers.get('transfer-encoding')).toBe('chunked');
    const html = await first.text();
    expect(Buffer.byteLength(html)).toBeLessThan(200 * 1024);
    expect(rowsIn(html)).toBe(LISTING_PAGE_SIZE);
    expect(html).toContain(`Page 1 of ${ENTRIES / LISTING_PAGE_SIZE} (${ENTRIES} entries)`);
    expect(html).toContain('<a href="?page=2" rel="next">');
    expect(html).toContain('<a href="pkg-00000_1.0_amd64.deb">');
    expect(html).not.toContain('pkg-01000_');

    const last = await (await fetch(`${server.url}pool/?page=20`)).text();
    expect(rowsIn(last)).toBe(LISTING_PAGE_SIZE);
    expect(last).toContain('pkg-19999_');
    expect(last).toContain('<a href="?page=19" rel="prev">');
    for (const bad of ['21', '0', 'x', '-1']) expect((await fetch(`${server.url}pool/?page=${bad}`)).status).toBe(404);
    const head = await fetch(`${server.url}pool/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('reads a directory once per snapshot, and sees a switch of current at once', async () => {
    const publish = await publishDir();
    const one = await publish.snapshot('1', { 'files/a.txt': 'a' });
    const two = await publish.snapshot('2', { 'files/b.txt': 'bb' });
    await publish.switchTo('1');
    const server = await serve(publish.current);
    const reads = (dir: string): number => vi.mocked(fs.readdir).mock.calls.filter(([p]) => String(p) === join(dir, 'files')).length;

    for (let i = 0; i < 3; i++) expect(await (await fetch(`${server.url}files/`)).text()).toContain('a.txt');
    expect(reads(one)).toBe(1);
    await publish.switchTo('2');
    const after = await (await fetch(`${server.url}files/`)).text();
    expect(after).toContain('b.txt');
    expect(after).not.toContain('a.txt');
    expect(reads(two)).toBe(1);
  });
});
