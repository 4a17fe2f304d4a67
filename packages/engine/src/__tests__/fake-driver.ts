import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AirlockError, type Driver, type TrustAnchor } from '@airlock/core';

/** A content type with just enough upstream trust to test the engine: keys, a dated release, anchors. */
export interface FakeSpec {
  name: string;
  /** The signed upstream date reverify hands to notOlderThanSeen. */
  date: string;
  /** Armored upstream keys the catalog offers. */
  keys: string[];
  failPublish?: boolean;
  failDescribe?: boolean;
}

export type FakeCatalog = Required<Omit<FakeSpec, 'name'>>;

/** A file of `fake-root <id> <description>` lines after a `fake-root` header line. */
function readAnchors(data: Buffer): TrustAnchor[] | null {
  const lines = data.toString('utf8').split('\n').filter((l) => l !== '');
  if (lines[0] !== 'fake-root') return null;
  return lines.slice(1).map((line) => {
    const match = /^root (\S+) (.+)$/.exec(line);
    if (!match) throw new AirlockError('KEY_INVALID', `not a fake root line: ${line}`);
    return { kind: 'fake-root', id: match[1] as string, description: match[2] as string, data: line };
  });
}

export const fakeDriver: Driver<FakeSpec, FakeCatalog> = {
  type: 'fake',
  trustAnchors: { kind: 'fake-root', read: readAnchors },
  parseSpec: (raw) => raw as FakeSpec,
  async resolve(spec) {
    return { catalog: { date: spec.date, keys: spec.keys, failPublish: spec.failPublish ?? false, failDescribe: spec.failDescribe ?? false }, artifacts: [] };
  },
  parseCatalog: (raw) => raw as FakeCatalog,
  async reverify(catalog, ctx) {
    await ctx.upstream.openpgpKeys(catalog.keys, 'fake release keys');
    ctx.upstream.notOlderThanSeen('release', new Date(catalog.date), `fake/${ctx.sourceName} release`);
  },
  async publish(catalog, ctx) {
    if (catalog.failPublish) throw new AirlockError('PUBLISH_FAILED', 'the fake driver was told to fail');
    const dir = join(ctx.staging, 'fake', ctx.sourceName);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'date'), catalog.date);
  },
  describe(catalog, ctx) {
    if (catalog.failDescribe) throw new Error('the fake driver was told not to describe');
    return {
      counts: [{ label: 'keys', value: catalog.keys.length }],
      bytes: catalog.date.length,
      clients: [{ id: 'fake-get', title: 'fetch the date', template: `curl -fsS {{url}}fake/${ctx.sourceName}/date` }],
    };
  },
};
