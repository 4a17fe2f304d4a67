import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeExporterKey } from './exporter-key.js';

const MAKE_PAYLOAD = fileURLToPath(new URL('../../fixtures/files/make-payload.mjs', import.meta.url));

export interface Scenario {
  root: string;
  payload: string;
  config: string;
  exporterPublicKey: string;
  exporterFingerprint: string;
  exportHome: string;
  siteHome: string;
  bundle(n: number): string;
}

/** A payload tree built by the fixture script, an exporter key made for this run, and airlock.yaml. */
export async function makeScenario(root: string, options: { bigMiB?: number; maxSize?: string; compression?: 'zstd' | 'none'; expiresAfter?: string } = {}): Promise<Scenario> {
  const payload = join(root, 'upstream', 'payload');
  const made = spawnSync(process.execPath, [MAKE_PAYLOAD, payload, '--big-mib', String(options.bigMiB ?? 2)], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`make-payload failed: ${made.stderr}`);
  const key = await writeExporterKey(join(root, 'keys'));
  const config = join(root, 'airlock.yaml');
  await writeFile(
    config,
    [
      'channel: test-site',
      'signing:',
      '  key: keys/exporter.key',
      'volumes:',
      `  maxSize: ${options.maxSize ?? '512KiB'}`,
      `  compression: ${options.compression ?? 'zstd'}`,
      ...(options.expiresAfter ? [`expiresAfter: ${options.expiresAfter}`] : []),
      'sources:',
      '  - type: files',
      '    name: tools',
      '    path: ./upstream/payload',
      '',
    ].join('\n'),
  );
  return {
    root,
    payload,
    config,
    exporterPublicKey: key.publicKey,
    exporterFingerprint: key.fingerprint,
    exportHome: join(root, 'export-home'),
    siteHome: join(root, 'site'),
    bundle: (n) => join(root, `bundle-${n}`),
  };
}
