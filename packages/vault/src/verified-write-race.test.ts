import * as realFs from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { sha256Digest } from '@airlock/core';
import { expectCode, tempDir } from '@airlock/test-utils';

// The temp file's open() is slowed down, so the input fails while the open is still pending:
// the moment the old cleanup raced with.
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const slowOpen = (...args: Parameters<typeof fs.open>): void => void setTimeout(() => (fs.open as (...a: unknown[]) => void)(...args), 100);
  return {
    ...fs,
    createWriteStream: (path: realFs.PathLike, options?: Parameters<typeof fs.createWriteStream>[1]) =>
      fs.createWriteStream(path, { ...(typeof options === 'object' ? options : {}), fs: { open: slowOpen, write: fs.write, writev: fs.writev, close: fs.close } } as Parameters<typeof fs.createWriteStream>[1]),
  };
});

const { Vault } = await import('./vault.js');

describe('writeVerified cleanup', () => {
  it('regression: a temp file was left behind when the input failed before the temp file had finished opening', async () => {
    const vault = new Vault(join(await tempDir(), 'vault'));
    await vault.init();
    const data = Buffer.from('hello, air gap\n');
    const failing = new Readable({
      read() {
        this.destroy(new Error('the media went away'));
      },
    });
    await expectCode(vault.ingest(failing, { digest: sha256Digest(data), size: data.length }), 'IO_ERROR');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await readdir(join(vault.root, 'tmp'))).toEqual([]);
  });
});
