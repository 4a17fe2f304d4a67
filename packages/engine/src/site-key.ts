import { readFile } from 'node:fs/promises';
import { pathExists, writeFileAtomic, type Signer } from '@airlock/core';
import { generateKey, loadSigner } from '@airlock/pgp';
import type { AirlockHome } from './home.js';

export const SITE_PASSPHRASE_ENV = 'AIRLOCK_SITE_KEY_PASSPHRASE';

/**
 * The site key signs what the isolated side republishes (repo metadata, receipts). It is created
 * on first use; a passphrase, if wanted, comes from AIRLOCK_SITE_KEY_PASSPHRASE.
 */
export async function ensureSiteKey(home: AirlockHome, siteName = 'airlock site'): Promise<{ signer: Signer; created: boolean }> {
  const passphrase = process.env[SITE_PASSPHRASE_ENV] || undefined;
  let created = false;
  if (!(await pathExists(home.siteKey))) {
    const key = await generateKey({ name: siteName, ...(passphrase ? { passphrase } : {}) });
    await writeFileAtomic(home.siteKey, key.armoredPrivateKey, 0o600);
    await writeFileAtomic(home.sitePublicKey, key.armoredPublicKey, 0o644);
    created = true;
  }
  const signer = await loadSigner(await readFile(home.siteKey, 'utf8'), passphrase);
  return { signer, created };
}
