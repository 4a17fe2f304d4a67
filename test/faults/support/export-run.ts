import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { aptDriver } from '@airlock/apt';
import { loadConfig } from '@airlock/cli';
import { isAirlockError, silentProgress, type AirlockError } from '@airlock/core';
import { airlockHome, DriverRegistry, exportBundle, type ExportResult } from '@airlock/engine';
import { createFetcher, type FetcherOptions } from '@airlock/fetch';
import { filesDriver } from '@airlock/files';
import { ociDriver } from '@airlock/oci';
import { rpmDriver } from '@airlock/rpm';
import { airlockJson } from '../../support/cli.js';
import { writeExporterKey } from '../../support/exporter-key.js';

/** Fast retries, and an idle timeout that the slow faults stay under and the stall faults exceed. */
export const FAST_FETCH: FetcherOptions = { retries: 3, backoffMs: 5, maxBackoffMs: 20, timeoutMs: 500 };

export interface ExportSetup {
  root: string;
  config: string;
  publicKey: string;
}

/** An exporter key and airlock.yaml with the given `sources:` lines. */
export async function exportSetup(root: string, sourceLines: string[]): Promise<ExportSetup> {
  const key = await writeExporterKey(join(root, 'keys'), 'fault exporter');
  const config = join(root, 'airlock.yaml');
  await writeFile(config, ['channel: faults', 'signing:', '  key: keys/exporter.key', 'volumes:', '  maxSize: 64MiB', 'sources:', ...sourceLines, ''].join('\n'));
  return { root, config, publicKey: key.publicKey };
}

/** Runs the real export pipeline in-process with every driver and a fetcher with fast retries. */
export async function runExport(setup: ExportSetup, outDir: string, home = join(setup.root, 'home')): Promise<{ result?: ExportResult; error?: AirlockError }> {
  const registry = new DriverRegistry([filesDriver, aptDriver, rpmDriver, ociDriver]);
  const fetcher = createFetcher(FAST_FETCH);
  try {
    const config = await loadConfig(setup.config, registry);
    return { result: await exportBundle({ config, registry, home: airlockHome(home), outDir, fetcher, progress: silentProgress }) };
  } catch (err) {
    if (!isAirlockError(err)) throw err;
    return { error: err };
  } finally {
    await fetcher.close();
  }
}

/** sha256 digests of every file under `dir`, recursively. */
export async function fileDigests(dir: string): Promise<Set<string>> {
  const digests = new Set<string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) digests.add(`sha256:${createHash('sha256').update(await readFile(join(entry.parentPath, entry.name))).digest('hex')}`);
  }
  return digests;
}

/**
 * The bundle verifies with the real `airlock verify` (signature, every volume and entry digest),
 * and every blob it carries besides the catalogs is byte for byte a file the upstream serves.
 */
export async function expectFaithfulBundle(setup: ExportSetup, outDir: string, upstream: Set<string>): Promise<void> {
  const { result, json } = await airlockJson<{ error?: unknown }>(['verify', outDir, '--trust', setup.publicKey]);
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
  expect(json.error).toBeUndefined();
  const name = (await readdir(outDir)).find((n) => n.endsWith('.manifest.json'));
  const manifest = JSON.parse(await readFile(join(outDir, name!), 'utf8')) as { sources: Array<{ catalog: string }>; blobs: Array<{ digest: string }> };
  const catalogs = new Set(manifest.sources.map((s) => s.catalog));
  const foreign = manifest.blobs.map((b) => b.digest).filter((d) => !catalogs.has(d) && !upstream.has(d));
  expect(foreign, 'blobs that are not upstream files').toEqual([]);
}

/** No bundle came out of a refused export. */
export async function expectNoManifest(outDir: string): Promise<void> {
  const names = await readdir(outDir).catch((): string[] => []);
  expect(names.filter((n) => n.endsWith('.manifest.json'))).toEqual([]);
}

/**
 * The export through `server`, which injects faults of `kind`, is refused with one of `codes` and
 * leaves no bundle; once the server answers cleanly, the same export completes.
 */
export async function expectRefusedThenRecovers(
  setup: ExportSetup,
  outDir: string,
  server: { injected: Record<string, number>; clearRules(): void },
  kind: string,
  codes: string[],
): Promise<void> {
  const { error } = await runExport(setup, outDir);
  expect(codes, error?.message).toContain(error?.code);
  expect(server.injected[kind]).toBeGreaterThan(0);
  await expectNoManifest(outDir);
  server.clearRules();
  const again = await runExport(setup, outDir);
  expect(again.error, again.error?.message).toBeUndefined();
  expect(again.result?.carried.blobs).toBeGreaterThan(0);
}
