import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKey } from '@airlock/pgp';

export interface ExporterKeyFiles {
  privateKey: string;
  publicKey: string;
  fingerprint: string;
}

/** A per-run exporter key pair: DIR/exporter.key (mode 0600) and DIR/exporter.pub.asc. */
export async function writeExporterKey(dir: string, name = 'test exporter'): Promise<ExporterKeyFiles> {
  await mkdir(dir, { recursive: true });
  const key = await generateKey({ name });
  const privateKey = join(dir, 'exporter.key');
  const publicKey = join(dir, 'exporter.pub.asc');
  await writeFile(privateKey, key.armoredPrivateKey, { mode: 0o600 });
  await writeFile(publicKey, key.armoredPublicKey);
  return { privateKey, publicKey, fingerprint: key.fingerprint };
}
