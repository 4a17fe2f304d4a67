import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { run, type RunResult } from './real-tools.js';

/** A throwaway GnuPG home; every command runs in batch mode against it. */
export interface GpgHome {
  dir: string;
  gpg(args: string[], input?: string): RunResult;
  /** Like gpg() but fails the test on a non-zero exit. */
  gpgOk(args: string[], input?: string): RunResult;
  gpgv(keyring: string, args: string[]): RunResult;
  /** Primary key fingerprint of `userId`, as gpg prints it. */
  fingerprint(userId: string): string;
  remove(): Promise<void>;
}

export async function createGpgHome(): Promise<GpgHome> {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-gpg-'));
  await chmod(dir, 0o700);
  const env = { ...process.env, GNUPGHOME: dir };
  const gpg = (args: string[], input?: string): RunResult =>
    run('gpg', ['--batch', '--no-tty', '--pinentry-mode', 'loopback', ...args], input === undefined ? { env } : { env, input });
  const gpgOk = (args: string[], input?: string): RunResult => {
    const result = gpg(args, input);
    expect(result.status, `gpg ${args.join(' ')}\n${result.stderr}`).toBe(0);
    return result;
  };
  return {
    dir,
    gpg,
    gpgOk,
    gpgv: (keyring, args) => run('gpgv', ['--keyring', keyring, ...args], { env }),
    fingerprint(userId) {
      const listing = gpgOk(['--with-colons', '--fingerprint', userId]).stdout;
      const match = /^fpr:(?:[^:]*:){8}([0-9A-F]{40}):/m.exec(listing);
      if (!match?.[1]) throw new Error(`no fingerprint for ${userId}:\n${listing}`);
      return match[1];
    },
    async remove() {
      run('gpgconf', ['--kill', 'all'], { env });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
