import { createHash } from 'node:crypto';
import { chmod, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { digestHex, sha256Digest, type Digest } from '@airlock/core';
import { expectCode, tempDir } from '@airlock/test-utils';
import type { BlobPart } from './blob-part.js';
import { Vault } from './vault.js';

// No repeating pattern, so no two parts of any split have the same bytes (see the test of identical parts).
const blob = Buffer.concat(Array.from({ length: 32 }, (_, i) => createHash('sha256').update(`block ${i}`).digest())).subarray(0, 1000);
const digest = sha256Digest(blob);
function split(partSize: number): BlobPart[] {
  return Array.from({ length: Math.ceil(blob.length / partSize) }, (_, index) => {
    const offset = index * partSize;
    const bytes = blob.subarray(offset, Math.min(offset + partSize, blob.length));
    return { index, offset, size: bytes.length, digest: sha256Digest(bytes) };
  });
}
const parts = split(400);
const ok = (status: 'added' | 'present') => ({ status, missing: [], discarded: [] });

function bytesOf(part: BlobPart): Buffer {
  return blob.subarray(part.offset, part.offset + part.size);
}

async function openVault(): Promise<Vault> {
  const vault = new Vault(join(await tempDir(), 'vault'));
  await vault.init();
  return vault;
}

async function ingestPart(vault: Vault, part: BlobPart, bytes = bytesOf(part)) {
  return vault.ingestPart(Readable.from([bytes]), { blob: digest, index: part.index, digest: part.digest, size: part.size });
}

describe('split blobs', () => {
  it('assembles parts ingested out of order and removes them', async () => {
    const vault = await openVault();
    for (const part of [parts[2]!, parts[0]!, parts[1]!]) expect(await ingestPart(vault, part)).toBe('added');
    expect(await vault.hasPart(digest, parts[1]!.digest)).toBe(true);
    expect(await ingestPart(vault, parts[1]!)).toBe('present');
    expect(await vault.assemble({ digest, size: blob.length, parts: [parts[1]!, parts[2]!, parts[0]!] })).toEqual(ok('added'));
    expect(await vault.readBytes(digest, blob.length)).toEqual(blob);
    expect(await vault.hasPart(digest, parts[0]!.digest)).toBe(false);
    expect(await readdir(join(vault.root, 'parts'))).toEqual([]);
    expect(await vault.assemble({ digest, size: blob.length, parts })).toEqual(ok('present'));
  });

  it('reports incomplete while a part is missing', async () => {
    const vault = await openVault();
    await ingestPart(vault, parts[0]!);
    await ingestPart(vault, parts[2]!);
    expect(await vault.assemble({ digest, size: blob.length, parts })).toEqual({ status: 'incomplete', missing: [parts[1]], discarded: [] });
    expect(await vault.has(digest)).toBe(false);
  });

  it('refuses a part whose bytes do not match its digest', async () => {
    const vault = await openVault();
    const wrong = Buffer.from(bytesOf(parts[1]!));
    wrong[0] = 0x5a;
    await expectCode(ingestPart(vault, parts[1]!, wrong), 'DIGEST_MISMATCH');
    expect(await vault.hasPart(digest, parts[1]!.digest)).toBe(false);
    expect(await readdir(join(vault.root, 'tmp'))).toEqual([]);
  });

  it('detects a part tampered with on disk, removes it and reports it discarded, and lets a re-import finish the blob', async () => {
    const vault = await openVault();
    for (const part of parts) await ingestPart(vault, part);
    const partFile = join(vault.root, 'parts', digestHex(digest), digestHex(parts[1]!.digest));
    await chmod(partFile, 0o644);
    const tampered = Buffer.from(bytesOf(parts[1]!));
    tampered[10] = 0x00;
    await writeFile(partFile, tampered);
    expect(await vault.assemble({ digest, size: blob.length, parts })).toEqual({ status: 'incomplete', missing: [], discarded: [parts[1]] });
    expect(await vault.has(digest)).toBe(false);
    expect(await readdir(join(vault.root, 'tmp'))).toEqual([]);
    expect(await vault.hasPart(digest, parts[1]!.digest)).toBe(false);
    expect(await vault.assemble({ digest, size: blob.length, parts })).toEqual({ status: 'incomplete', missing: [parts[1]], discarded: [] });
    await ingestPart(vault, parts[1]!);
    expect(await vault.assemble({ digest, size: blob.length, parts })).toEqual(ok('added'));
  });

  it('refuses parts that do not add up to the blob', async () => {
    const vault = await openVault();
    for (const part of parts) await ingestPart(vault, part);
    await expectCode(vault.assemble({ digest, size: blob.length + 1, parts }), 'MANIFEST_INVALID');
    await expectCode(vault.assemble({ digest, size: blob.length, parts: [parts[0]!, parts[2]!] }), 'MANIFEST_INVALID');
  });

  it('refuses when the parts verify but the whole does not', async () => {
    const vault = await openVault();
    for (const part of parts) await ingestPart(vault, part);
    const other = sha256Digest('something else');
    const otherParts = parts.map((p) => ({ ...p }));
    for (const part of otherParts) {
      await vault.ingestPart(Readable.from([bytesOf(part)]), { blob: other, index: part.index, digest: part.digest, size: part.size });
    }
    await expectCode(vault.assemble({ digest: other, size: blob.length, parts: otherParts }), 'DIGEST_MISMATCH');
    expect(await vault.has(other)).toBe(false);
  });

  it('skips parts of a blob that is already stored', async () => {
    const vault = await openVault();
    await vault.ingest(Readable.from([blob]), { digest, size: blob.length });
    expect(await ingestPart(vault, parts[0]!)).toBe('present');
    expect(await vault.hasPart(digest, parts[0]!.digest)).toBe(false);
  });

  it('stores identical parts of one blob once, and assembles the blob from that one file', async () => {
    const vault = await openVault();
    const zeros = Buffer.alloc(900);
    const zerosDigest = sha256Digest(zeros);
    const third = { size: 300, digest: sha256Digest(zeros.subarray(0, 300)) };
    const same: BlobPart[] = [0, 1, 2].map((index) => ({ index, offset: index * 300, ...third }));
    const ingest = (part: BlobPart) => vault.ingestPart(Readable.from([zeros.subarray(part.offset, part.offset + part.size)]), { blob: zerosDigest, index: part.index, digest: part.digest, size: part.size });
    expect(await ingest(same[0]!)).toBe('added');
    expect(await ingest(same[2]!)).toBe('present');
    expect(await vault.assemble({ digest: zerosDigest, size: 900, parts: same })).toEqual(ok('added'));
    expect(await vault.readBytes(zerosDigest, 900)).toEqual(zeros);
  });

  it('refuses a part digest that is not a sha256 digest', async () => {
    const vault = await openVault();
    await expectCode(vault.hasPart(digest, 'sha256:../../x' as Digest), 'MANIFEST_INVALID');
  });

  it('split-blob parts keyed by index only: parts of a re-carry cut at other boundaries are kept apart, and the re-carry completes', async () => {
    const vault = await openVault();
    // The first carry (400-byte parts) brought parts 0 and 1, then its last volume was lost.
    await ingestPart(vault, parts[0]!);
    await ingestPart(vault, parts[1]!);
    // The re-carry cuts the same blob into 300-byte parts: index 0 now means other bytes.
    const recut = split(300);
    for (const part of recut) expect(await ingestPart(vault, part)).toBe('added');
    expect(await vault.assemble({ digest, size: blob.length, parts: recut })).toEqual(ok('added'));
    expect(await vault.readBytes(digest, blob.length)).toEqual(blob);
    expect(await readdir(join(vault.root, 'parts'))).toEqual([]);
  });
});
