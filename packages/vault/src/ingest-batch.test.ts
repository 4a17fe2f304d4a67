import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { sha256Digest } from '@airlock/core';
import { expectCodeSync, tempDir } from '@airlock/test-utils';
import type { BlobSink } from './ingest-batch.js';
import { Vault } from './vault.js';

async function openVault(): Promise<Vault> {
  const vault = new Vault(join(await tempDir(), 'vault'));
  await vault.init();
  return vault;
}

const entry = (data: Buffer, label = 'blob') => ({ digest: sha256Digest(data), size: data.length, label });

/** Feeds `data` in two pieces, as a volume reader does when an entry spans two of its buffers. */
function feed(sink: BlobSink, data: Buffer): 'added' | 'present' {
  const half = data.length >> 1;
  sink.write(data.subarray(0, half));
  sink.write(data.subarray(half));
  return sink.end();
}

const temps = (vault: Vault) => readdir(join(vault.root, 'tmp'));

describe('IngestBatch: a volume stored with batched disk waits', () => {
  it('keeps verified blobs in temp files until commit, then moves them into place read-only', async () => {
    const vault = await openVault();
    const batch = vault.batch();
    const blobs = [Buffer.from('first blob\n'), Buffer.from('second blob\n'), Buffer.alloc(0)];
    for (const data of blobs) expect(feed(await batch.blob(entry(data)), data)).toBe('added');
    for (const data of blobs) expect(await vault.has(sha256Digest(data))).toBe(false);
    expect(await temps(vault)).toHaveLength(3);
    await batch.commit();
    expect(batch.addedCount).toBe(3);
    expect(await temps(vault)).toEqual([]);
    for (const data of blobs) {
      const path = await vault.pathOf(sha256Digest(data));
      expect(await readFile(path)).toEqual(data);
      expect((await stat(path)).mode & 0o777).toBe(0o444);
    }
  });

  it('refuses tampered, short and long entries and removes their temp files; the rest of the batch is kept', async () => {
    const vault = await openVault();
    const batch = vault.batch();
    const good = Buffer.from('good\n');
    feed(await batch.blob(entry(good)), good);
    const claimed = entry(Buffer.from('what the manifest says'));
    const tampered = Buffer.from('what the volume holds!');
    expect(tampered.length).toBe(claimed.size);
    const mismatch = await batch.blob(claimed);
    expectCodeSync(() => feed(mismatch, tampered), 'DIGEST_MISMATCH');
    const short = await batch.blob(claimed);
    short.write(tampered.subarray(1));
    expectCodeSync(() => short.end(), 'SIZE_MISMATCH');
    const long = await batch.blob(claimed);
    expectCodeSync(() => long.write(Buffer.alloc(claimed.size + 1)), 'SIZE_MISMATCH');
    expect(await temps(vault)).toHaveLength(1);
    await batch.commit();
    expect(await temps(vault)).toEqual([]);
    expect(await vault.has(claimed.digest)).toBe(false);
    expect(await readFile(await vault.pathOf(sha256Digest(good)))).toEqual(good);
  });

  it('reports a blob the vault already holds as present and does not rewrite it', async () => {
    const vault = await openVault();
    const data = Buffer.from('already here\n');
    await vault.ingest(Readable.from([data]), entry(data));
    const before = await stat(await vault.pathOf(sha256Digest(data)));
    const batch = vault.batch();
    expect(feed(await batch.blob(entry(data)), data)).toBe('present');
    await batch.commit();
    expect((await stat(await vault.pathOf(sha256Digest(data)))).ino).toBe(before.ino);
    expect(batch.addedCount).toBe(0);
  });

  it('stores parts under their own digest, and skips parts of a blob that is already whole', async () => {
    const vault = await openVault();
    const whole = Buffer.from('0123456789');
    const part = whole.subarray(0, 4);
    const batch = vault.batch();
    feed(await batch.part(sha256Digest(whole), entry(part)), part);
    await batch.commit();
    expect(await vault.hasPart(sha256Digest(whole), sha256Digest(part))).toBe(true);
    await vault.ingest(Readable.from([whole]), entry(whole));
    const other = whole.subarray(4);
    expect(feed(await vault.batch().part(sha256Digest(whole), entry(other)), other)).toBe('present');
    expect(await vault.hasPart(sha256Digest(whole), sha256Digest(other))).toBe(false);
  });

  it('discard removes the temp files of what was not committed', async () => {
    const vault = await openVault();
    const batch = vault.batch();
    const data = Buffer.from('never committed\n');
    feed(await batch.blob(entry(data)), data);
    const aborted = await batch.blob(entry(Buffer.from('cut short')));
    aborted.write(Buffer.from('cut'));
    aborted.abort();
    batch.discard();
    expect(await temps(vault)).toEqual([]);
    expect(await vault.has(sha256Digest(data))).toBe(false);
  });

  it('commits on its own every 4096 entries, so pending work stays bounded on a volume of many small blobs', async () => {
    const vault = await openVault();
    const batch = vault.batch();
    const blobs = Array.from({ length: 4100 }, (_, i) => Buffer.from(`small blob ${i}\n`));
    for (const data of blobs) feed(await batch.blob(entry(data)), data);
    expect(batch.addedCount).toBe(4096);
    expect(await vault.has(sha256Digest(blobs[0]!))).toBe(true);
    expect(await vault.has(sha256Digest(blobs[4099]!))).toBe(false);
    expect(await temps(vault)).toHaveLength(4);
    await batch.commit();
    expect(batch.addedCount).toBe(4100);
    expect(await temps(vault)).toEqual([]);
  });
});
