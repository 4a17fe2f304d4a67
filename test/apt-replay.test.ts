import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools } from '@airlock/test-utils';
import { buildUpstream, serveDir, signRelease, writeConfig, type Served, type Upstream } from '../fixtures/apt/harness.js';
import { airlock, airlockJson } from './support/cli.js';

const TOOLS = ['dpkg-deb', 'apt-ftparchive', 'gpg', 'xz'];
const OLD = 'Mon, 01 Jan 2024 00:00:00 UTC';
const NEW = 'Wed, 01 Jan 2025 00:00:00 UTC';
const NEWER = 'Thu, 01 Jan 2026 00:00:00 UTC';
const VERIFICATION_EXIT = 3;

interface Run {
  code: number | null;
  error?: { code: string; details?: Record<string, unknown> };
  stderr: string;
}

describe.skipIf(!requireTools(...TOOLS))('apt replay: a mirror serving an older validly signed InRelease', () => {
  let root: string;
  let upstream: Upstream;
  let served: Served;
  let config: string;
  let exporterPublicKey: string;
  const exportHome = (): string => join(root, 'export-home');
  const siteHome = (): string => join(root, 'site');

  async function exportTo(name: string, command: 'export' | 'plan' = 'export', extra: string[] = []): Promise<Run> {
    const args = command === 'export' ? ['export', '-c', config, '-o', join(root, name), ...extra] : ['plan', '-c', config];
    const { result, json } = await airlockJson<{ error?: Run['error']; problems?: Array<{ severity: string } & NonNullable<Run['error']>> }>(['--home', exportHome(), ...args]);
    // plan lists a source it cannot export among its problems (and plans the others).
    const error = json.error ?? json.problems?.find((p) => p.severity === 'error');
    return { code: result.code, ...(error ? { error } : {}), stderr: result.stderr };
  }

  async function importFrom(name: string): Promise<Run> {
    const { result, json } = await airlockJson<{ error?: Run['error'] }>(['--home', siteHome(), 'import', join(root, name)]);
    return { code: result.code, ...(json.error ? { error: json.error } : {}), stderr: result.stderr };
  }

  const liveRelease = (): Promise<string> => readFile(join(siteHome(), 'publish/current/apt/fixture/dists/stable/Release'), 'utf8');
  const manifests = async (name: string): Promise<string[]> => (await readdir(join(root, name)).catch(() => [] as string[])).filter((f) => f.endsWith('.manifest.json'));

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'airlock-apt-replay-'));
    upstream = buildUpstream(join(root, 'upstream'));
    served = await serveDir(upstream.archive);
    ({ config, exporterPublicKey } = await writeConfig(root, [
      '  - type: apt',
      '    name: fixture',
      `    url: ${served.url}`,
      `    keyring: ${upstream.keyring}`,
      '    suites: [stable]',
      '    components: [main]',
      '    architectures: [amd64]',
      '    packages: [libbaz]',
    ]));
    expect((await airlock(['--home', siteHome(), 'trust', 'add', exporterPublicKey])).code).toBe(0);
  });
  afterAll(async () => {
    served?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('export refuses a mirror that went back in time (UPSTREAM_REPLAY), with no override needed once the mirror is fresh again', async () => {
    signRelease(upstream, OLD);
    expect((await exportTo('b1')).code).toBe(0);
    expect((await importFrom('b1')).code).toBe(0);
    signRelease(upstream, NEW);
    expect((await exportTo('b2')).code).toBe(0);
    expect((await importFrom('b2')).code).toBe(0);

    signRelease(upstream, OLD); // the mirror now serves the older, validly signed Release again
    const planned = await exportTo('unused', 'plan');
    expect(planned.code).toBe(VERIFICATION_EXIT);
    expect(planned.error?.code).toBe('UPSTREAM_REPLAY');
    const replayed = await exportTo('b3-replayed');
    expect(replayed.code).toBe(VERIFICATION_EXIT);
    expect(replayed.error?.code).toBe('UPSTREAM_REPLAY');
    expect(replayed.error?.details).toMatchObject({ date: '2024-01-01T00:00:00.000Z', seen: '2025-01-01T00:00:00.000Z' });
    expect(await manifests('b3-replayed')).toEqual([]);

    signRelease(upstream, NEW); // equal dates pass: the same Release fetched again
    expect((await exportTo('b3')).code).toBe(0);
    expect((await importFrom('b3')).code).toBe(0);
  });

  it('import refuses a bundle whose Release is older than the one the site published (UPSTREAM_REPLAY), and keeps the live tree', async () => {
    // An exporter without that memory (an older airlock, another host, or one whose state was lost)
    // exports from the replaying mirror: the site must catch it on its own.
    signRelease(upstream, OLD);
    const db = new Database(join(exportHome(), 'export.db'));
    db.prepare('DELETE FROM upstream_marks').run();
    db.close();
    expect((await exportTo('b4')).code).toBe(0);
    const before = await liveRelease();
    const refused = await importFrom('b4');
    expect(refused.code).toBe(VERIFICATION_EXIT);
    expect(refused.error?.code).toBe('UPSTREAM_REPLAY');
    expect(await liveRelease()).toBe(before);

    // The site never published b4, so the fresh export is a full one (as a receipt would also make it).
    signRelease(upstream, NEWER);
    expect((await exportTo('b5', 'export', ['--full'])).code).toBe(0);
    const fresh = await importFrom('b5');
    expect(fresh.code, fresh.stderr).toBe(0);
  });
});
