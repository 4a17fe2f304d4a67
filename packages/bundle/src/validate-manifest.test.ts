import { describe, expect, it } from 'vitest';
import { isAirlockError, type FieldProblem } from '@airlock/core';
import { expectCodeSync } from '@airlock/test-utils';
import type { Manifest } from './manifest-types.js';
import { serializeManifest } from './serialize-manifest.js';
import { validateManifest } from './validate-manifest.js';
import { FINGERPRINT, manifestWith } from './__tests__/fixtures.js';

const d = (c: string) => `sha256:${c.repeat(64)}` as const;

function valid(): Manifest {
  const m = manifestWith({
    compression: 'zstd',
    blobs: [
      { digest: d('1'), size: 10 },
      { digest: d('2'), size: 300, parts: [{ index: 0, offset: 0, size: 100, digest: d('3') }, { index: 1, offset: 100, size: 200, digest: d('4') }] },
      { digest: d('5'), size: 0 },
    ],
    volumes: [
      { number: 1, name: 'dc1-000001.vol-0001.tar.zst', size: 2048, sha256: 'a'.repeat(64), entries: [{ digest: d('1') }, { digest: d('2'), part: 0 }] },
      { number: 2, name: 'dc1-000001.vol-0002.tar.zst', size: 2048, sha256: 'b'.repeat(64), entries: [{ digest: d('2'), part: 1 }, { digest: d('5') }] },
    ],
  });
  m.sources = [{ type: 'apt', name: 'ubuntu', catalog: d('1'), requires: [d('2'), d('5')] }];
  return m;
}

/** The paths of the problems validation reports for a mutated manifest. */
function problemsOf(mutate: (m: Record<string, any>) => void): string[] {
  const m = valid() as unknown as Record<string, any>;
  mutate(m);
  try {
    validateManifest(JSON.parse(JSON.stringify(m)));
  } catch (err) {
    if (isAirlockError(err, 'MANIFEST_INVALID')) return (err.details?.problems as FieldProblem[]).map((p) => p.path);
    throw err;
  }
  return [];
}

describe('validateManifest', () => {
  it('accepts a well-formed manifest and returns it, unchanged and not copied (100,000s of blobs)', () => {
    const m = valid();
    const before = structuredClone(m);
    const out = validateManifest(m);
    expect(out).toBe(m);
    expect(out).toEqual(before);
    expect(validateManifest(JSON.parse(serializeManifest(m)))).toEqual(m);
  });

  it('accepts an incremental bundle that carries nothing', () => {
    const m = { ...valid(), sequence: 5, id: 'dc1-000005', base: { sequence: 4, id: 'dc1-000004' }, blobs: [], volumes: [] };
    expect(validateManifest(m).volumes).toEqual([]);
  });

  it('lists every problem at once', () => {
    const err = expectCodeSync(() => validateManifest({ ...valid(), version: 2, channel: '../x', sequence: 0, compression: 'gzip', extra: true }), 'MANIFEST_INVALID');
    const paths = (err.details?.problems as FieldProblem[]).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['version', 'channel', 'sequence', 'compression', 'extra']));
  });

  it('refuses non-objects', () => {
    for (const raw of [null, [], 'x', 3]) expectCodeSync(() => validateManifest(raw), 'MANIFEST_INVALID');
  });

  it.each<[string, (m: Record<string, any>) => void, string[]]>([
    ['wrong format', (m) => (m.format = 'other'), ['format']],
    ['id not derived from channel and sequence', (m) => (m.id = 'dc1-000002'), ['id', 'volumes[0].name', 'volumes[1].name']],
    ['sequence not a safe integer', (m) => (m.sequence = 2 ** 60), ['sequence']],
    ['base not older than the bundle', (m) => (m.base = { sequence: 1, id: 'dc1-000001' }), ['base.sequence']],
    ['base id of another channel', (m) => { m.sequence = 3; m.id = 'dc1-000003'; m.base = { sequence: 2, id: 'x-000002' }; }, ['base.id', 'volumes[0].name', 'volumes[1].name']],
    ['times that are not RFC 3339 UTC', (m) => { m.createdAt = '2024-01-01 00:00'; m.expiresAt = '2024-01-01T00:00:00+02:00'; }, ['createdAt', 'expiresAt']],
    ['expiry before creation', (m) => (m.expiresAt = '2023-01-01T00:00:00Z'), ['expiresAt']],
    ['exporter fields', (m) => (m.exporter = { tool: 'other', version: '', fingerprint: FINGERPRINT.toLowerCase() }), ['exporter.tool', 'exporter.version', 'exporter.fingerprint']],
    ['maxVolumeSize not positive', (m) => (m.maxVolumeSize = 0), ['maxVolumeSize']],
    ['volume larger than maxVolumeSize', (m) => (m.maxVolumeSize = 1024), ['volumes[0].size', 'volumes[1].size']],
    ['source names and catalog', (m) => (m.sources[0] = { type: 'a/b', name: '..', catalog: 'sha256:xyz', requires: [] }), ['sources[0].type', 'sources[0].name', 'sources[0].catalog']],
    ['requires not sorted and unique', (m) => (m.sources[0].requires = [d('5'), d('2'), d('2')]), ['sources[0].requires[1]', 'sources[0].requires[2]']],
    ['requires not digests', (m) => (m.sources[0].requires = ['sha256:ABC']), ['sources[0].requires[0]']],
    ['duplicate source', (m) => m.sources.push({ ...m.sources[0] }), ['sources[1]']],
    ['bad blob digest and size', (m) => (m.blobs[0] = { digest: 'md5:x', size: -1 }), ['blobs[0].digest', 'blobs[0].size', 'volumes[0].entries[0].digest']],
    ['duplicate blob', (m) => m.blobs.push({ ...m.blobs[0] }), ['blobs[3]']],
    ['parts out of order', (m) => (m.blobs[1].parts[1].index = 0), ['blobs[1].parts[1].index']],
    ['parts not contiguous', (m) => (m.blobs[1].parts[1].offset = 99), ['blobs[1].parts[1].offset']],
    ['part sizes not adding up', (m) => (m.blobs[1].size = 301), ['blobs[1].parts']],
    ['part without a digest', (m) => delete m.blobs[1].parts[0].digest, ['blobs[1].parts[0].digest']],
    ['empty part list', (m) => (m.blobs[0].parts = []), ['blobs[0].parts']],
    ['volumes out of order', (m) => m.volumes.reverse(), ['volumes[0].number', 'volumes[0].name', 'volumes[1].number', 'volumes[1].name']],
    ['volume name not derived', (m) => (m.volumes[0].name = 'x.tar'), ['volumes[0].name']],
    ['volume sha256 not hex', (m) => (m.volumes[0].sha256 = 'A'.repeat(64)), ['volumes[0].sha256']],
    ['volume without entries', (m) => m.volumes.push({ number: 3, name: 'dc1-000001.vol-0003.tar.zst', size: 1, sha256: 'c'.repeat(64), entries: [] }), ['volumes[2].entries']],
    ['entry for a blob not carried', (m) => m.volumes[0].entries.push({ digest: d('9') }), ['volumes[0].entries[2].digest']],
    ['part index on a whole blob', (m) => (m.volumes[0].entries[0].part = 0), ['volumes[0].entries[0].part', 'blobs[0]']],
    ['split blob referenced whole', (m) => delete m.volumes[0].entries[1].part, ['volumes[0].entries[1]', 'blobs[1].parts[0]']],
    ['part index out of range', (m) => (m.volumes[1].entries[0].part = 2), ['volumes[1].entries[0].part', 'blobs[1].parts[1]']],
    ['blob carried twice', (m) => m.volumes[1].entries.push({ digest: d('1') }), ['volumes[1].entries[2]']],
    ['blob carried by no volume', (m) => m.volumes[1].entries.pop(), ['blobs[2]']],
    ['a part carried twice and another by none', (m) => (m.volumes[1].entries[0].part = 0), ['volumes[1].entries[0]', 'blobs[1].parts[1]']],
    ['unknown nested field', (m) => (m.volumes[0].entries[0].extra = 1), ['volumes[0].entries[0].extra']],
  ])('reports %s', (_what, mutate, paths) => {
    expect(problemsOf(mutate).sort()).toEqual([...paths].sort());
  });
});
