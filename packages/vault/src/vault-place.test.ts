import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ensureDir, sha256Digest } from '@airlock/core';
import { expectCode, tempDir } from '@airlock/test-utils';
import { tempName } from './vault-layout.js';
import { Vault } from './vault.js';

const data = Buffer.from('#!/bin/sh\necho hi\n');
const digest = sha256Digest(data);

async function vaultWithBlob(): Promise<{ vault: Vault; out: string }> {
  const dir = await tempDir();
  const vault = new Vault(join(dir, 'vault'));
  await vault.init();
  await vault.ingest(Readable.from([data]), { digest, size: data.length });
  return { vault, out: join(dir, 'staging') };
}

describe('Vault.place', () => {
  it('hardlinks the blob itself for mode 0444, creating parent dirs', async () => {
    const { vault, out } = await vaultWithBlob();
    const dest = join(out, 'files', 'demo', 'a', 'b.txt');
    await vault.place(digest, dest);
    const placed = await stat(dest);
    expect(placed.ino).toBe((await stat(await vault.pathOf(digest))).ino);
    expect(placed.mode & 0o7777).toBe(0o444);
    expect(await readFile(dest)).toEqual(data);
  });

  it('links modes other than 0444 to one per-mode copy; the blob keeps 0444', async () => {
    const { vault, out } = await vaultWithBlob();
    await vault.place(digest, join(out, 'one'), 0o755);
    await vault.place(digest, join(out, 'two'), 0o755);
    const one = await stat(join(out, 'one'));
    const two = await stat(join(out, 'two'));
    const blob = await stat(await vault.pathOf(digest));
    expect(one.mode & 0o7777).toBe(0o555);
    expect(one.ino).toBe(two.ino);
    expect(one.ino).not.toBe(blob.ino);
    expect(blob.mode & 0o7777).toBe(0o444);
    expect(await readFile(join(out, 'two'))).toEqual(data);
  });

  it('clears write and setuid bits from the requested mode', async () => {
    const { vault, out } = await vaultWithBlob();
    await vault.place(digest, join(out, 'suid'), 0o4777);
    expect((await stat(join(out, 'suid'))).mode & 0o7777).toBe(0o555);
    await vault.place(digest, join(out, 'rw'), 0o644);
    const rw = await stat(join(out, 'rw'));
    expect(rw.ino).toBe((await stat(await vault.pathOf(digest))).ino);
  });

  it('refuses to overwrite an existing destination', async () => {
    const { vault, out } = await vaultWithBlob();
    await ensureDir(out);
    await writeFile(join(out, 'taken'), 'x');
    await expectCode(vault.place(digest, join(out, 'taken')), 'IO_ERROR');
  });
});

describe('Vault.init', () => {
  it('removes temp files of writers that died and keeps those of live ones', async () => {
    const dir = await tempDir();
    const vault = new Vault(join(dir, 'vault'));
    await vault.init();
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await once(child, 'spawn');
    const dead = tempName(child.pid!);
    const live = tempName(process.pid);
    await writeFile(join(vault.root, 'tmp', dead), 'half a blob');
    await writeFile(join(vault.root, 'tmp', live), 'in progress');
    await writeFile(join(vault.root, 'tmp', 'junk'), 'unknown');
    child.kill('SIGKILL');
    await once(child, 'exit');
    await vault.init();
    expect(await readdir(join(vault.root, 'tmp'))).toEqual([live]);
  });
});
