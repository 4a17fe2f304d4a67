import { readFileLimited } from '@airlock/core';
import { Keyring, readPublicKeys } from '@airlock/pgp';

export interface UpstreamKeyring {
  keyring: Keyring;
  /** The keys armored, as the catalog offers them to the site. */
  armored: string;
}

/** Reads the configured stream keyring (binary as gpg --export writes it, or armored). */
export async function loadUpstreamKeyring(path: string): Promise<UpstreamKeyring> {
  const bytes = await readFileLimited(path, 16 << 20, `keyring ${path}`);
  const keys = await readPublicKeys(bytes);
  return { keyring: await Keyring.fromKeys(keys), armored: `${keys.map((k) => k.armored.trim()).join('\n')}\n` };
}
