import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools, suiteDir, type FaultRule } from '@airlock/test-utils';
import { buildImage, sh, skopeoPush, startRegistry, type RunningRegistry } from '../../fixtures/oci/upstream.js';
import { airlockJson } from '../support/cli.js';
import { expectNoManifest, exportSetup, runExport } from './support/export-run.js';
import { FaultTally } from './support/fault-tally.js';

// The oci driver against a real docker-registry (image made by umoci, pushed by skopeo) behind the
// fault server as a proxy: faults on the blob downloads (layers and config, through the fetcher)
// and a 5xx on the manifest (the registry client's own retry).

const tally = new FaultTally('oci');
let root: { path: string; remove(): Promise<void> };
let registry: RunningRegistry;
let layers: string[] = [];
let config = '';

const blob = (digest: string): RegExp => new RegExp(`/blobs/${digest}$`);
const source = (host: string): string[] => ['  - type: oci', '    name: k8s', '    images:', `      - "${host}/acc/app:1"`];

describe.skipIf(!requireTools('umoci', 'skopeo', 'docker-registry'))('upstream faults through the oci driver export', () => {
  beforeAll(async () => {
    root = await suiteDir('airlock-faults-oci-');
    const layout = join(root.path, 'layout');
    const work = join(root.path, 'work');
    await mkdir(work);
    sh('umoci', ['init', '--layout', layout]);
    buildImage(layout, 'app', [0, 1, 2].map((i) => ({ name: `layer${i}`, bytes: randomBytes(160 * 1024) })), work);
    registry = await startRegistry(join(root.path, 'registry'));
    skopeoPush(layout, 'app', `${registry.host}/acc/app:1`);
    const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
    const manifest = JSON.parse(await readFile(join(layout, 'blobs', 'sha256', index.manifests[0]!.digest.slice(7)), 'utf8')) as { config: { digest: string }; layers: Array<{ digest: string }> };
    layers = manifest.layers.map((l) => l.digest);
    config = manifest.config.digest;
  });
  afterAll(async () => {
    tally.report();
    await registry?.stop();
    await root.remove();
  });

  it('blob faults are retried or resumed and the manifest 5xx is retried; the bundle verifies', async () => {
    const rules: FaultRule[] = [
      { kind: 'status', status: 503, match: /\/manifests\// },
      { kind: 'truncate-length', fraction: 0.4, match: blob(layers[0]!) },
      { kind: 'range-wrong-bytes', match: blob(layers[0]!) },
      { kind: 'reset', match: blob(layers[1]!) },
      { kind: 'stall', stallMs: 3000, match: blob(layers[1]!) },
      { kind: 'slow', chunkBytes: 16 * 1024, delayMs: 20, match: blob(layers[2]!) },
      { kind: 'redirect', times: 2, match: blob(config) },
    ];
    const server = await tally.server({ proxy: registry.url }, rules);
    const setup = await exportSetup(join(root.path, 'recoverable'), source(server.origin.replace('http://', '')));
    const out = join(setup.root, 'bundle');
    const { result, error } = await runExport(setup, out);
    expect(error, error?.message).toBeUndefined();
    expect(server.pendingRules(), 'every planned fault was injected').toEqual([]);
    expect(result?.carried.blobs).toBeGreaterThanOrEqual(5);
    const verified = await airlockJson<{ error?: unknown }>(['verify', out, '--trust', setup.publicKey]);
    expect(verified.result.code, verified.result.stderr).toBe(0);
  });

  it.each([
    ['a layer with a wrong byte', { kind: 'wrong-bytes' } as FaultRule, 'DIGEST_MISMATCH'],
    ['a layer with a short Content-Length', { kind: 'length-short' } as FaultRule, 'SIZE_MISMATCH'],
  ])('%s: refused with its code and no bundle', async (_name, rule, code) => {
    const server = await tally.server({ proxy: registry.url }, [{ ...rule, match: blob(layers[1]!) }]);
    const setup = await exportSetup(join(root.path, `refused-${rule.kind}`), source(server.origin.replace('http://', '')));
    const out = join(setup.root, 'bundle');
    const { error } = await runExport(setup, out);
    expect(error?.code, error?.message).toBe(code);
    expect(server.injected[rule.kind]).toBe(1);
    await expectNoManifest(out);
  });
});
