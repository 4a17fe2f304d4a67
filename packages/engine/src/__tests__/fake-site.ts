import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { silentProgress, type Progress } from '@airlock/core';
import { createFetcher } from '@airlock/fetch';
import { generateKey } from '@airlock/pgp';
import { exportBundle, type ExportResult } from '../export/export.js';
import { airlockHome, type AirlockHome } from '../home.js';
import { importBundle, type ImportResult } from '../import/import.js';
import { DriverRegistry } from '../registry.js';
import { trustAdd } from '../site/trust.js';
import { fakeDriver, type FakeSpec } from './fake-driver.js';

export interface Exporter {
  fingerprint: string;
  publicKey: string;
  export(spec: Omit<FakeSpec, 'name'>, options?: { channel?: string; full?: boolean; source?: string }): Promise<ExportResult>;
}

/** A site home, and exporters (each its own key and export home) making fake-driver bundles. */
export async function fakeSite(root: string) {
  const registry = new DriverRegistry([fakeDriver]);
  const site: AirlockHome = airlockHome(join(root, 'site'));
  let bundles = 0;

  async function exporter(name: string): Promise<Exporter> {
    const key = await generateKey({ name });
    const privateKey = join(root, `${name}.key`);
    const publicKey = join(root, `${name}.pub.asc`);
    await writeFile(privateKey, key.armoredPrivateKey, { mode: 0o600 });
    await writeFile(publicKey, key.armoredPublicKey);
    const home = airlockHome(join(root, `export-${name}`));
    return {
      fingerprint: key.fingerprint,
      publicKey,
      async export(spec, options = {}) {
        const outDir = join(root, `bundle-${++bundles}`);
        const fetcher = createFetcher();
        try {
          return await exportBundle({
            config: {
              path: join(root, 'airlock.yaml'),
              configDir: root,
              channel: options.channel ?? 'fake-channel',
              signing: { key: privateKey },
              volumes: { maxSize: 1 << 20, compression: 'zstd' },
              expiresAfterMs: 24 * 3600 * 1000,
              sources: [{ type: 'fake', name: options.source ?? 'one', spec: { name: options.source ?? 'one', ...spec } }],
            },
            registry,
            home,
            outDir,
            fetcher,
            progress: silentProgress,
            full: options.full ?? false,
          });
        } finally {
          await fetcher.close();
        }
      },
    };
  }

  return {
    registry,
    site,
    exporter,
    trust: (e: Exporter, channels: string[] = []) => trustAdd(site, e.publicKey, registry, { channels }),
    import: (dir: string, progress: Progress = silentProgress): Promise<ImportResult> => importBundle({ home: site, registry, bundle: dir, progress }),
  };
}
