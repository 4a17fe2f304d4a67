import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { link } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { AirlockError, digestHex, ensureDir, hashFile } from '@airlock/core';

export interface WrittenIndex {
  /** Path relative to the Release file. */
  path: string;
  sha256: string;
  size: number;
}

/** Stanzas are small: write them in batches of about this many characters, not one syscall each. */
const WRITE_BATCH = 1 << 18;

let xzAvailable: boolean | undefined;

/**
 * Writes `<dir>/<base>` (stanzas separated by blank lines) streaming, then `.gz` with node:zlib,
 * then `.xz` when the `xz` tool exists on the site (Node has no xz encoder; preset 2, because
 * package hashes do not compress and higher presets only cost time). Returns each file's
 * checksum, uncompressed first, as Release lists them.
 */
export async function writePackagesFiles(releaseDir: string, base: string, stanzas: string[]): Promise<WrittenIndex[]> {
  const plain = join(releaseDir, base);
  await ensureDir(dirname(plain));
  const out = createWriteStream(plain, { flags: 'wx' });
  await pipeline(async function* () {
    let batch = '';
    for (const stanza of stanzas) {
      batch += `${stanza}\n\n`;
      if (batch.length >= WRITE_BATCH) {
        yield batch;
        batch = '';
      }
    }
    if (batch !== '') yield batch;
  }, out);
  await pipeline(createReadStream(plain), createGzip({ level: 9 }), createWriteStream(`${plain}.gz`, { flags: 'wx' }));
  const names = [base, `${base}.gz`];
  if (await hasXz()) {
    await runXz(plain, `${plain}.xz`);
    names.push(`${base}.xz`);
  }
  const written: WrittenIndex[] = [];
  for (const name of names) {
    const { digest, size } = await hashFile(join(releaseDir, name));
    written.push({ path: name, sha256: digestHex(digest), size });
  }
  return written;
}

/** `<index dir>/by-hash/SHA256/<hex>` for each index file, as hardlinks of the files just written. */
export async function linkByHash(releaseDir: string, files: WrittenIndex[]): Promise<void> {
  for (const file of files) {
    const target = join(releaseDir, dirname(file.path), 'by-hash', 'SHA256', file.sha256);
    await ensureDir(dirname(target));
    await link(join(releaseDir, file.path), target).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
}

async function hasXz(): Promise<boolean> {
  xzAvailable ??= await new Promise<boolean>((resolve) => {
    const child = spawn('xz', ['--version'], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
  return xzAvailable;
}

async function runXz(from: string, to: string): Promise<void> {
  const child = spawn('xz', ['-c', '-2', '-T1', from], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  await pipeline(child.stdout, createWriteStream(to, { flags: 'wx' }));
  if ((await exit) !== 0) throw new AirlockError('PUBLISH_FAILED', `xz failed on ${from}: ${stderr.trim()}`);
}
