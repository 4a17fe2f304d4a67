import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@airlock/test-utils';
import { replaceSymlink } from './atomic.js';
import { asAirlockError, isAirlockError } from './errors.js';
import { fsError, isLocalFailure, spaceReport, typedFsError } from './fs-error.js';

const errno = (code: string, syscall = 'write', path?: string) => Object.assign(new Error(`${code}: failed, ${syscall}`), { code, syscall, ...(path ? { path } : {}) });

describe('filesystem errors are typed', () => {
  it('raw ENOSPC and EDQUOT escaped untyped or as another code: asAirlockError makes them DISK_FULL whatever code was asked for', () => {
    for (const code of ['ENOSPC', 'EDQUOT']) {
      const err = asAirlockError(errno(code, 'symlink', '/srv/x'), 'PUBLISH_FAILED', 'cannot publish files/tools');
      expect(err.code).toBe('DISK_FULL');
      expect(err.details).toEqual({ path: '/srv/x' });
    }
    expect(asAirlockError(errno('EACCES'), 'PUBLISH_FAILED', 'x').code).toBe('PUBLISH_FAILED');
  });

  it('fsError: DISK_FULL or IO_ERROR naming the path, marked as the local disk failing', () => {
    const full = fsError(errno('ENOSPC'), '/home/a/vault/tmp/1.tmp', 'storing a blob');
    expect(full.code).toBe('DISK_FULL');
    expect(full.message).toContain('/home/a/vault/tmp/1.tmp');
    expect(isLocalFailure(full)).toBe(true);
    const io = fsError(errno('EIO'), '/home/a/vault/tmp/2.tmp', 'storing a blob');
    expect(io.code).toBe('IO_ERROR');
    expect(io.message).toContain('/home/a/vault/tmp/2.tmp');
    expect(isLocalFailure(io)).toBe(true);
  });

  it('typedFsError types raw errno errors and leaves everything else alone', () => {
    const typed = typedFsError(errno('EROFS', 'open', '/ro/file'), '/fallback', 'importing');
    expect(isAirlockError(typed, 'IO_ERROR') && typed.message).toContain('/ro/file');
    const other = new Error('a bug');
    expect(typedFsError(other, '/fallback', 'importing')).toBe(other);
  });

  it('replaceSymlink: a failing symlink() is typed with its path (it escaped raw)', async () => {
    const link = join(await tempDir(), 'missing-dir', 'current');
    const caught = await replaceSymlink(link, 'snapshots/1').catch((err: unknown) => err);
    expect(isAirlockError(caught, 'IO_ERROR')).toBe(true);
    expect((caught as Error).message).toContain(link);
  });

  it('spaceReport says how much is free where, from the nearest existing directory', async () => {
    const dir = await tempDir();
    expect(await spaceReport(join(dir, 'not', 'yet'))).toMatch(new RegExp(`^[\\d.]+ [KMGT]?i?B free of [\\d.]+ [KMGT]?i?B.* on the filesystem holding ${dir}$`));
  });
});
