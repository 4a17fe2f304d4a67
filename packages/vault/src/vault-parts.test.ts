import { chmod, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { digestHex, sha256Digest } from '@airlock/core';
import { expectCode, tempDir } from '@airlock/test-utils';
import type { BlobPart } from './blob-part.js';
import { Vault } from './vault.js';

const blob = Buffer.from('abcdefghij'.repeat(100));
const digest = sha256Digest(blob);
const parts: BlobPart[] = [0, 1, 2].map((index) => {
  const offset = index * 400;
  const bytes = blob.subarray(offset, Math.min(offset + 400, blob.length));
  return { index, offset, size: bytes.length, digest: sha256Digest(bytes) };
});

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
    expect(await vault.hasPart(digest, 1)).toBe(true);
    expect(await ingestPart(vault, parts[1]!)).toBe('present');
    expect(await vault.assemble({ digest, size: blob.length, parts: [parts[1]!, parts[2]!, parts[0]!] })).toBe('added');
    expect(await vault.readBytes(digest, blob.length)).toEqual(blob);
    expect(await vault.hasPart(digest, 0)).toBe(false);
    expect(await readdir(join(vault.root, 'parts'))).toEqual([]);
    expect(await vault.assemble({ digest, size: blob.length, parts })).toBe('present');
  });

  it('reports incomplete while a part is missing', async () => {
    const vault = await openVault();
    await ingestPart(vault, parts[0]!);
    await ingestPart(vault, parts[2]!);
    expect(await vault.assemble({ digest, size: blob.length, parts })).toBe('incomplete');
    expect(await vault.has(digest)).toBe(false);
  });

  it('refuses a part whose bytes do not match its digest', async () => {
    const vault = await openVault();
    const wrong = Buffer.from(bytesOf(parts[1]!));
    wrong[0] = 0x5a;
    await expectCode(ingestPart(vault, parts[1]!, wrong), 'DIGEST_MISMATCH');
    expect(await vault.hasPart(digest, 1)).toBe(false);
    expect(await readdir(join(vault.root, 'tmp'))).toEqual([]);
  });

  it('detects a part tampered with on disk, removes it, and lets a re-import finish the blob', async () => {
    const vault = await openVault();
    for (const part of parts) await ingestPart(vault, part);
    const partFile = join(vault.root, 'parts', digestHex(digest), '1');
    await chmod(partFile, 0o644);
    const tampered = Buffer.from(bytesOf(parts[1]!));
    tampered[10] = 0x00;
    await writeFile(partFile, tampered);
    await expectCode(vault.assemble({ digest, size: blob.length, parts }), 'DIGEST_MISMATCH');
    expect(await vault.has(digest)).toBe(false);
    expect(await readdir(join(vault.root, 'tmp'))).toEqual([]);
    expect(await vault.hasPart(digest, 1)).toBe(false);
    expect(await vault.assemble({ digest, size: blob.length, parts })).toBe('incomplete');
    await ingestPart(vault, parts[1]!);
    expect(await vault.assemble({ digest, size: blob.length, parts })).toBe('added');
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
    expect(await vault.hasPart(digest, 0)).toBe(false);
  });

  it('refuses a negative part index', async () => {
    const vault = await openVault();
    await expectCode(vault.hasPart(digest, -1), 'MANIFEST_INVALID');
  });
});
