import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@airlock/test-utils';
import { airlockJson } from './support/cli.js';
import { writeExporterKey } from './support/exporter-key.js';

interface PlanJson {
  volumes: number;
  estimatedBytes: number;
  volumeSizes: Array<{ name: string; tarBytes: number; estimatedBytes: number; maxBytes: number; sampledFrom: number }>;
}
interface ExportJson {
  volumes: Array<{ name: string; size: number }>;
}

/** Deterministic text with the statistics of logs: a small vocabulary, numbers, line breaks. */
function textLike(bytes: number, seed: number): Buffer {
  const words = ['error', 'request', 'GET', '/api/v1/items', 'status=200', 'user', 'latency', 'ms', 'cache', 'miss', 'hit', 'node-3', 'pod', 'ready'];
  // xorshift32: no short cycles that a large zstd window would find and a sample would not.
  let state = seed * 2654435761 >>> 0 || 1;
  const next = (): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
  const parts: string[] = [];
  let length = 0;
  while (length < bytes) {
    const line = `${new Date(1_700_000_000_000 + next()).toISOString()} ${Array.from({ length: 6 }, () => words[next() % words.length]).join(' ')} id=${next().toString(16)}\n`;
    parts.push(line);
    length += line.length;
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

/** Large compressible files, many small similar ones (they compress together in the stream) and random data. */
async function payload(dir: string): Promise<void> {
  await mkdir(join(dir, 'logs'), { recursive: true });
  await mkdir(join(dir, 'manifests'), { recursive: true });
  await mkdir(join(dir, 'random'), { recursive: true });
  for (let i = 0; i < 3; i++) await writeFile(join(dir, 'logs', `app-${i}.log`), textLike(6 * 1024 * 1024 + i * 777, i + 1));
  for (let i = 0; i < 400; i++) {
    await writeFile(join(dir, 'manifests', `pod-${i}.json`), JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `web-${i}`, labels: { app: 'web', tier: i % 3 } }, spec: { containers: [{ name: 'web', image: `registry.local/web:${i % 7}` }] } }, null, 2));
  }
  await writeFile(join(dir, 'random', 'blob.bin'), randomBytes(9 * 1024 * 1024));
  await writeFile(join(dir, 'random', 'small.bin'), randomBytes(40_000));
}

async function setup(compression: 'zstd' | 'none'): Promise<{ config: string; home: string; root: string }> {
  const root = await tempDir();
  await payload(join(root, 'payload'));
  await writeExporterKey(join(root, 'keys'));
  const config = join(root, 'airlock.yaml');
  await writeFile(config, ['channel: estimate', 'signing: {key: keys/exporter.key}', `volumes: {maxSize: 8MiB, compression: ${compression}}`, 'sources:', '  - {type: files, name: data, path: ./payload}', ''].join('\n'));
  return { config, home: join(root, 'home'), root };
}

async function planThenExport(compression: 'zstd' | 'none'): Promise<{ plan: PlanJson; exported: ExportJson }> {
  const s = await setup(compression);
  const plan = await airlockJson<PlanJson>(['--home', s.home, 'plan', '-c', s.config]);
  expect(plan.result.code, plan.result.stderr).toBe(0);
  const exported = await airlockJson<ExportJson>(['--home', s.home, 'export', '-c', s.config, '-o', join(s.root, 'bundle')]);
  expect(exported.result.code, exported.result.stderr).toBe(0);
  return { plan: plan.json, exported: exported.json };
}

describe('airlock plan estimates what export writes', () => {
  it('is exact for plain tar volumes', async () => {
    const { plan, exported } = await planThenExport('none');
    expect(plan.volumeSizes.map((v) => v.name)).toEqual(exported.volumes.map((v) => v.name));
    for (const [i, v] of plan.volumeSizes.entries()) {
      expect(v.estimatedBytes).toBe(exported.volumes[i]?.size);
      expect(v.maxBytes).toBe(v.estimatedBytes);
    }
  });

  it('is within 5% per zstd volume on compressible and incompressible data, and never above the stated bound', async () => {
    const { plan, exported } = await planThenExport('zstd');
    expect(plan.volumeSizes.map((v) => v.name)).toEqual(exported.volumes.map((v) => v.name));
    expect(plan.volumes).toBeGreaterThanOrEqual(3);
    const rows = plan.volumeSizes.map((v, i) => ({ name: v.name, estimate: v.estimatedBytes, actual: exported.volumes[i]?.size ?? 0, max: v.maxBytes, tar: v.tarBytes }));
    const compressible = rows.filter((r) => r.actual < r.tar * 0.8);
    const incompressible = rows.filter((r) => r.actual > r.tar * 0.95);
    expect(compressible.length, JSON.stringify(rows)).toBeGreaterThan(0);
    expect(incompressible.length, JSON.stringify(rows)).toBeGreaterThan(0);
    for (const r of rows) {
      expect(Math.abs(r.estimate - r.actual) / r.actual, JSON.stringify(r)).toBeLessThan(0.05);
      expect(r.actual).toBeLessThanOrEqual(r.max);
    }
    const total = rows.reduce((n, r) => n + r.actual, 0);
    expect(Math.abs(plan.estimatedBytes - total) / total).toBeLessThan(0.03);
  });
});
