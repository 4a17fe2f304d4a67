import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AirlockError, hashFile, isRecord, silentProgress, type Digest, type Driver, type Fetcher } from '@airlock/core';
import { airlockHome, DriverRegistry, exportBundle, importBundle, trustAdd, type AirlockHome, type ExportConfig } from '@airlock/engine';
import { tempDir } from '@airlock/test-utils';
import { writeExporterKey } from './exporter-key.js';

/**
 * A driver that keeps history, the way the MAAS-image and snap drivers do: a bundle's catalog
 * holds only the version upstream offers now; `merge` adds it to the versions the site already
 * publishes (newest `KEEP` kept). Reverify checks every version blob is in the vault and that the
 * upstream date does not go back.
 */
export interface Version {
  version: string;
  date: string;
  digest: Digest;
  size: number;
}
export interface HistoryCatalog {
  versions: Version[];
}
interface HistorySpec {
  name: string;
  file: string;
}

const KEEP = 3;
export const merges: Array<{ previous: string[]; next: string[] }> = [];

export function parseCatalog(raw: unknown): HistoryCatalog {
  if (!isRecord(raw) || !Array.isArray(raw.versions)) throw new AirlockError('MANIFEST_INVALID', 'history catalog: versions must be a list');
  for (const v of raw.versions as unknown[]) {
    if (!isRecord(v) || typeof v.version !== 'string' || typeof v.date !== 'string' || typeof v.digest !== 'string' || typeof v.size !== 'number') {
      throw new AirlockError('MANIFEST_INVALID', 'history catalog: bad version entry');
    }
  }
  return raw as unknown as HistoryCatalog;
}

export const historyDriver: Driver<HistorySpec, HistoryCatalog> = {
  type: 'history',
  parseSpec: (raw) => raw as HistorySpec,
  async resolve(spec) {
    const offer = JSON.parse(await readFile(spec.file, 'utf8')) as { version: string; date: string; payload: string };
    const payload = `${spec.file}.${offer.version}`;
    await writeFile(payload, offer.payload);
    const { digest, size } = await hashFile(payload);
    return {
      catalog: { versions: [{ version: offer.version, date: offer.date, digest, size }] },
      artifacts: [{ digest, size, source: { kind: 'file', path: payload }, label: `${spec.name} ${offer.version}` }],
    };
  },
  parseCatalog,
  merge(previous, next) {
    merges.push({ previous: previous.versions.map((v) => v.version), next: next.versions.map((v) => v.version) });
    const byVersion = new Map([...previous.versions, ...next.versions].map((v) => [v.version, v]));
    return { versions: [...byVersion.values()].sort((a, b) => a.version.localeCompare(b.version)).slice(-KEEP) };
  },
  async reverify(catalog, ctx) {
    for (const v of catalog.versions) if (!(await ctx.vault.has(v.digest))) throw new AirlockError('BLOB_MISSING', `${v.version} is not in the vault`);
    const newest = catalog.versions.at(-1);
    if (newest) ctx.upstream.notOlderThanSeen('index', new Date(newest.date), `${ctx.sourceName} index`);
  },
  async publish(catalog, ctx) {
    const dir = join(ctx.staging, 'history', ctx.sourceName);
    for (const v of catalog.versions) await ctx.vault.place(v.digest, join(dir, `${v.version}.txt`));
    await writeFile(join(dir, 'versions.txt'), catalog.versions.map((v) => v.version).join(' ') + '\n');
  },
};

const registry = new DriverRegistry([historyDriver]);
const noFetcher: Fetcher = {
  getBytes: () => Promise.reject(new Error('this test never downloads')),
  download: () => Promise.reject(new Error('this test never downloads')),
};

export interface Channel {
  config: ExportConfig;
  offer(version: string, day: number): Promise<void>;
}

/** An exporter, a site that trusts it, and channels of history sources; `ship` exports one bundle and imports it. */
export async function world() {
  const root = await tempDir();
  const key = await writeExporterKey(join(root, 'keys'));
  const exportHome = airlockHome(join(root, 'export-home'));
  const site = airlockHome(join(root, 'site'));
  await trustAdd(site, key.publicKey);
  let bundles = 0;
  const channel = (name: string, source: string): Channel => {
    const file = join(root, `${source}.offer.json`);
    const spec: HistorySpec = { name: source, file };
    const config: ExportConfig = {
      path: join(root, `${name}.yaml`),
      configDir: root,
      channel: name,
      signing: { key: key.privateKey },
      volumes: { maxSize: 4 << 20, compression: 'zstd' },
      expiresAfterMs: 86_400_000,
      sources: [{ type: 'history', name: source, spec }],
    };
    return {
      config,
      offer: (version, day) => writeFile(file, JSON.stringify({ version, date: `2030-01-${String(day).padStart(2, '0')}T00:00:00Z`, payload: `${source} ${version}\n` })),
    };
  };
  const ship = async (c: Channel) => {
    const outDir = join(root, `bundle-${++bundles}`);
    await exportBundle({ config: c.config, registry, home: exportHome, outDir, fetcher: noFetcher, progress: silentProgress });
    return Object.assign(await importBundle({ home: site, registry, bundle: outDir, progress: silentProgress }), { dir: outDir });
  };
  const importAgain = (dir: string) => importBundle({ home: site, registry, bundle: dir, progress: silentProgress });
  return { site, channel, ship, importAgain };
}

/** The versions the live publication holds for `source`. */
export const versions = async (site: AirlockHome, source: string) => (await readFile(join(site.publish, 'current', 'history', source, 'versions.txt'), 'utf8')).trim();
