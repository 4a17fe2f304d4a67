import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { sha256Digest, type Digest } from '@airlock/core';
import { expectCode, tempDir } from '@airlock/test-utils';
import { Vault } from './vault.js';

async function openVault(): Promise<Vault> {
  const vault = new Vault(join(await tempDir(), 'vault'));
  await vault.init();
  return vault;
}

function blobPathOf(vault: Vault, digest: Digest): string {
  const hex = digest.slice(7);
  return join(vault.root, 'sha256', hex.slice(0, 2), hex);
}

/** A stream that yields `good` and then fails, like a truncated volume. */
function failingStream(good: Buffer): Readable {
  return Readable.from(
    (async function* () {
      yield good;
      throw new Error('connection lost');
    })(),
  );
}

async function expectNothingStored(vault: Vault, digest: Digest): Promise<void> {
  expect(await vault.has(digest)).toBe(false);
  expect(await readdir(join(vault.root, 'tmp'))).toEqual([]);
  await expect(stat(blobPathOf(vault, digest))).rejects.toThrow();
}

describe('Vault.ingest', () => {
  const data = Buffer.from('hello, air gap\n');
  const digest = sha256Digest(data);

  it('adds a verified blob read-only at sha256/<2 hex>/<hex>', async () => {
    const vault = await openVault();
    expect(await vault.ingest(Readable.from([data]), { digest, size: data.length })).toBe('added');
    const path = await vault.pathOf(digest);
    expect(path).toBe(blobPathOf(vault, digest));
    expect(await readFile(path)).toEqual(data);
    expect((await stat(path)).mode & 0o777).toBe(0o444);
    expect(await readdir(join(vault.root, 'tmp'))).toEqual([]);
  });

  it('reports present on re-ingest, drains the stream and keeps the stored file', async () => {
    const vault = await openVault();
    await vault.ingest(Readable.from([data]), { digest, size: data.length });
    const before = await stat(await vault.pathOf(digest));
    const again = Readable.from([data]);
    expect(await vault.ingest(again, { digest, size: data.length })).toBe('present');
    expect(again.readableEnded).toBe(true);
    const after = await stat(await vault.pathOf(digest));
    expect(after.ino).toBe(before.ino);
  });

  it('refuses content whose digest differs and stores nothing', async () => {
    const vault = await openVault();
    const tampered = Buffer.from('hello, air gaP\n');
    await expectCode(vault.ingest(Readable.from([tampered]), { digest, size: data.length }), 'DIGEST_MISMATCH');
    await expectNothingStored(vault, digest);
  });

  it('stops a stream longer than its declared size and stores nothing', async () => {
    const vault = await openVault();
    let produced = 0;
    const endless = Readable.from(
      (async function* () {
        for (;;) {
          produced += 1;
          yield Buffer.alloc(64 * 1024, 0x61);
        }
      })(),
    );
    await expectCode(vault.ingest(endless, { digest, size: data.length }), 'SIZE_MISMATCH');
    expect(produced).toBeLessThan(10);
    await expectNothingStored(vault, digest);
  });

  it('refuses a stream shorter than its declared size', async () => {
    const vault = await openVault();
    await expectCode(vault.ingest(Readable.from([data.subarray(0, 5)]), { digest, size: data.length }), 'SIZE_MISMATCH');
    await expectNothingStored(vault, digest);
  });

  it('stores nothing when the stream fails mid-way', async () => {
    const vault = await openVault();
    await expectCode(vault.ingest(failingStream(data.subarray(0, 4)), { digest, size: data.length }), 'IO_ERROR');
    await expectNothingStored(vault, digest);
  });

  it('refuses malformed digests before touching the filesystem', async () => {
    const vault = await openVault();
    const hostile = 'sha256:../../../../etc/passwd' as Digest;
    await expectCode(vault.ingest(Readable.from([data]), { digest: hostile, size: data.length }), 'MANIFEST_INVALID');
    await expectCode(vault.pathOf(hostile), 'MANIFEST_INVALID');
  });
});

describe('Vault reading', () => {
  const data = Buffer.from('0123456789');
  const digest = sha256Digest(data);

  it('opens, reads and lists stored blobs', async () => {
    const vault = await openVault();
    await vault.ingest(Readable.from([data]), { digest, size: data.length });
    const chunks: Buffer[] = [];
    for await (const chunk of await vault.open(digest)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks)).toEqual(data);
    expect(await vault.readBytes(digest, 10)).toEqual(data);
    expect(await vault.list()).toEqual([digest]);
  });

  it('refuses to read more than maxBytes into memory', async () => {
    const vault = await openVault();
    await vault.ingest(Readable.from([data]), { digest, size: data.length });
    await expectCode(vault.readBytes(digest, 9), 'SIZE_MISMATCH');
  });

  it('reports BLOB_MISSING for absent blobs', async () => {
    const vault = await openVault();
    expect(await vault.has(digest)).toBe(false);
    await expectCode(vault.pathOf(digest), 'BLOB_MISSING');
    await expectCode(vault.open(digest), 'BLOB_MISSING');
    await expectCode(vault.readBytes(digest, 100), 'BLOB_MISSING');
    await expectCode(vault.place(digest, join(vault.root, '..', 'out')), 'BLOB_MISSING');
  });
});
