import { readFile } from 'node:fs/promises';
import { AirlockError, asAirlockError, readFileLimited, type Signer } from '@airlock/core';
import { loadSigner } from '@airlock/pgp';
import { KEY_PASSPHRASE_ENV, type ExportConfig } from '../config.js';

/** The exporter key; its passphrase comes from AIRLOCK_KEY_PASSPHRASE or `signing.passphraseFile`, never argv. */
export async function loadExporterSigner(config: ExportConfig): Promise<Signer> {
  let armored: string;
  try {
    armored = await readFile(config.signing.key, 'utf8');
  } catch (err) {
    throw asAirlockError(err, 'KEY_NOT_FOUND', `cannot read the signing key ${config.signing.key} (create one with: airlock key generate --name exporter --out DIR)`);
  }
  let passphrase = process.env[KEY_PASSPHRASE_ENV] || undefined;
  if (config.signing.passphraseFile) {
    passphrase = (await readFileLimited(config.signing.passphraseFile, 4096, 'the passphrase file')).toString('utf8').replace(/\r?\n$/, '');
    if (!passphrase) throw new AirlockError('KEY_PASSPHRASE', `the passphrase file ${config.signing.passphraseFile} is empty`);
  }
  return loadSigner(armored, passphrase);
}
