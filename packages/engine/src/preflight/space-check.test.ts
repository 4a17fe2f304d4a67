import { describe, expect, it } from 'vitest';
import { checkSpace, diskFullError, SPACE_RESERVE } from './space-check.js';
import type { FreeSpaceReader } from './free-space.js';

const MiB = 1024 * 1024;
/** /a and /b are one filesystem with 100 MiB free, /c another with 20 MiB. */
const reader: FreeSpaceReader = async (path) => (path.startsWith('/c') ? { free: 20 * MiB, device: 2, measured: '/c' } : { free: 100 * MiB, device: 1, measured: '/' });

describe('checkSpace', () => {
  it('sums what goes to one filesystem: two needs that fit alone may not fit together', async () => {
    const checks = await checkSpace([
      { where: 'vault', path: '/a/vault', bytes: 50 * MiB },
      { where: 'staging', path: '/b/publish', bytes: 40 * MiB },
      { where: 'cache', path: '/c/cache', bytes: 1 * MiB },
    ], reader);
    expect(checks).toEqual([
      { where: ['vault', 'staging'], paths: ['/a/vault', '/b/publish'], needed: 90 * MiB, free: 100 * MiB, ok: false },
      { where: ['cache'], paths: ['/c/cache'], needed: MiB, free: 20 * MiB, ok: true },
    ]);
    expect(90 * MiB + SPACE_RESERVE).toBeGreaterThan(100 * MiB);
    const error = diskFullError(checks, 'the import of x-000001');
    expect(error?.code).toBe('DISK_FULL');
    expect(error?.message).toContain('vault + staging (/a/vault, /b/publish): needs 90.0 MiB (+ 16.0 MiB spare), 100.0 MiB free');
  });

  it('lets a command that writes nothing run on a full disk', async () => {
    const full: FreeSpaceReader = async () => ({ free: 0, device: 1, measured: '/' });
    const checks = await checkSpace([{ where: 'cache', path: '/x', bytes: 0 }], full);
    expect(checks[0]?.ok).toBe(true);
    expect(diskFullError(checks, 'plan')).toBeUndefined();
  });
});
