import { constants, createReadStream } from 'node:fs';
import { chmod, copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { AirlockError, digestHex, ensureDir, hashFile, pathExists, readFileLimited, sha256Digest, type Digest, type VaultReader } from '@airlock/core';

/** A small directory-backed VaultReader for tests: blobs stored by digest, placed by copy. */
export class DirVault implements VaultReader {
  constructor(private readonly root: string) {}

  async add(data: string | Uint8Array): Promise<Digest> {
    const digest = sha256Digest(data);
    await ensureDir(this.root);
    await writeFile(join(this.root, digestHex(digest)), data);
    return digest;
  }

  async addFile(path: string): Promise<Digest> {
    const { digest } = await hashFile(path);
    await ensureDir(this.root);
    await copyFile(path, join(this.root, digestHex(digest)));
    return digest;
  }

  has(digest: Digest): Promise<boolean> {
    return pathExists(join(this.root, digestHex(digest)));
  }

  async pathOf(digest: Digest): Promise<string> {
    const path = join(this.root, digestHex(digest));
    if (!(await pathExists(path))) throw new AirlockError('BLOB_MISSING', `${digest} is not in the vault`);
    return path;
  }

  async open(digest: Digest): Promise<Readable> {
    return createReadStream(await this.pathOf(digest));
  }

  async readBytes(digest: Digest, maxBytes: number): Promise<Buffer> {
    return readFileLimited(await this.pathOf(digest), maxBytes);
  }

  async place(digest: Digest, dest: string, mode = 0o444): Promise<void> {
    await copyFile(await this.pathOf(digest), dest, constants.COPYFILE_EXCL);
    await chmod(dest, mode & ~0o222);
  }
}
