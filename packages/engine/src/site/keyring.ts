import { readFile } from 'node:fs/promises';
import { AirlockError, asAirlockError } from '@airlock/core';
import { Keyring } from '@airlock/pgp';
import type { SiteState } from '@airlock/state';

/** Exporter keys that may sign bundles: the site trust store, or key files given with --trust. */
export async function bundleKeyring(state: SiteState | null, trustFiles: string[] = []): Promise<Keyring> {
  const keys: Array<string | Uint8Array> = [];
  for (const file of trustFiles) {
    try {
      keys.push(await readFile(file));
    } catch (err) {
      throw asAirlockError(err, 'KEY_NOT_FOUND', `cannot read trusted key file ${file}`);
    }
  }
  if (trustFiles.length === 0 && state) keys.push(...state.trustedKeys().map((k) => k.armored));
  if (keys.length === 0) {
    throw new AirlockError('SIGNER_UNTRUSTED', 'no exporter key is trusted yet: run `airlock trust add EXPORTER.pub.asc` (or pass --trust FILE)');
  }
  return Keyring.fromKeys(keys);
}

export function manifestVerifier(keyring: Keyring) {
  return async (data: Buffer, signature: Buffer): Promise<{ fingerprint: string }> => keyring.verifyDetached(data, signature);
}
