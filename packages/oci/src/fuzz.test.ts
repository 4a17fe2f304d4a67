import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOnlyCodedErrors, mutatedBytes, mutatedJson, mutatedText, requireTools, suiteDir } from '@airlock/test-utils';
import { buildTwoPlatformIndex, sh } from '../../../fixtures/oci/upstream.js';
import { MANIFEST_TYPES, parseManifest, type Descriptor } from './media-types.js';
import { selectPlatforms } from './platform.js';
import { parseImageReference, registryBaseUrl, REPO_RE, TAG_RE } from './reference.js';

// Fuzzing of what the oci driver reads from a registry or an OCI layout: manifests and indexes
// (OCI and Docker), image references from the config, platform selection. Seeds are made by
// umoci (OCI index and manifests) and skopeo (the same images as Docker schema2).

let work: { path: string; remove(): Promise<void> };
const seeds: Array<{ bytes: Buffer; mediaType: string }> = [];
const REFERENCES = ['docker.io/library/alpine:3.20', 'alpine', 'ghcr.io/org/app:v1.2.3', 'localhost:5000/team/img@sha256:' + 'a'.repeat(64), 'registry.example:443/a/b/c:latest@sha256:' + 'b'.repeat(64), '[::1]:5000/x:y', 'quay.io/x/y'];
const REF_TOKENS = ['/', ':', '@', 'sha256:', '..', '-', '_', '__', '.', 'A', 'localhost', 'index.docker.io', '[', ']', '%2F', ' '];

describe.skipIf(!requireTools('umoci', 'skopeo'))('fuzz: oci', () => {
  beforeAll(async () => {
    work = await suiteDir('airlock-fuzz-oci-');
    const layout = join(work.path, 'layout');
    sh('umoci', ['init', '--layout', layout]);
    buildTwoPlatformIndex(layout, 'multi', work.path);
    const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
    for (const d of index.manifests) seeds.push({ bytes: await readFile(join(layout, 'blobs', 'sha256', d.digest.slice(7))), mediaType: d.mediaType });
    for (const tag of ['multi', 'multi-amd64']) {
      const dir = join(work.path, `docker-${tag}`);
      sh('skopeo', ['copy', '--all', '--format', 'v2s2', `oci:${layout}:${tag}`, `dir:${dir}`]);
      const bytes = await readFile(join(dir, 'manifest.json'));
      seeds.push({ bytes, mediaType: (JSON.parse(bytes.toString('utf8')) as { mediaType: string }).mediaType });
    }
  });
  afterAll(() => work.remove());

  it('the seeds cover OCI and Docker indexes and manifests', () => {
    expect(new Set(seeds.map((s) => s.mediaType))).toEqual(new Set(MANIFEST_TYPES));
  });

  it('parseManifest over structural and byte mutations of real manifests and indexes', async () => {
    const declared = fc.option(fc.oneof(fc.constantFrom(...MANIFEST_TYPES), fc.string({ maxLength: 20 })), { nil: undefined });
    const bytes = fc.nat({ max: 100 }).chain((i) => {
      const seed = seeds[i % seeds.length]!;
      return fc.oneof(
        mutatedJson(JSON.parse(seed.bytes.toString('utf8')), { values: [...MANIFEST_TYPES, { os: 'linux', architecture: 'amd64' }, { os: 'unknown', architecture: 'unknown' }] }).map((doc) => Buffer.from(JSON.stringify(doc) ?? '', 'utf8')),
        mutatedBytes(seed.bytes),
      );
    });
    await expectOnlyCodedErrors(fc.tuple(bytes, declared), ([b, d]) => {
      const parsed = parseManifest(b, d, 'fuzz');
      const children = parsed.kind === 'index' ? parsed.children : [parsed.config, ...parsed.layers];
      for (const c of children) if (!/^sha256:[0-9a-f]{64}$/.test(c.digest) || !Number.isSafeInteger(c.size) || c.size < 0) throw new Error(`accepted a bad descriptor ${JSON.stringify(c)}`);
    }, { target: 'oci parseManifest', numRuns: 800, codes: ['UPSTREAM_INVALID'] });
  });

  it('selectPlatforms never throws and returns only entries it was given', async () => {
    const index = parseManifest(seeds.find((s) => s.mediaType.includes('index'))!.bytes, undefined, 'seed');
    if (index.kind !== 'index') throw new Error('seed is not an index');
    const platform = fc.oneof(fc.constantFrom('linux/amd64', 'linux/arm64/v8', 'linux/arm64', 'unknown/unknown', 'linux', '', '//', 'linux/amd64/v8/extra'), fc.string({ maxLength: 20 }));
    const children = mutatedJson(index.children, { values: [{ os: 'unknown', architecture: 'unknown' }, 'linux', 'amd64'] }).map((c) => (Array.isArray(c) ? (c as Descriptor[]) : []));
    await expectOnlyCodedErrors(fc.tuple(children, fc.array(platform, { maxLength: 3 })), ([list, wanted]) => {
      const picked = selectPlatforms(list.filter((c) => c !== null && typeof c === 'object'), wanted);
      for (const p of picked) if (!list.includes(p)) throw new Error('selectPlatforms returned an entry it was not given');
    }, { target: 'oci selectPlatforms', numRuns: 500, codes: [] });
  });
});

describe('fuzz: oci references', () => {
  it('parseImageReference never throws; what it accepts is well-formed and stable', async () => {
    const input = fc.oneof(mutatedText(REFERENCES, { tokens: REF_TOKENS, maxOps: 4 }), fc.string({ maxLength: 64 }), fc.webUrl());
    await expectOnlyCodedErrors(input, (text) => {
      const ref = parseImageReference(text);
      registryBaseUrl(text.split('/')[0] ?? '', [text]);
      if (ref === undefined) return;
      if (!REPO_RE.test(ref.repository) || (ref.tag !== undefined && !TAG_RE.test(ref.tag))) throw new Error(`accepted ${JSON.stringify(text)} as ${JSON.stringify(ref)}`);
      new URL(registryBaseUrl(ref.host, []));
    }, { target: 'oci parseImageReference', numRuns: 1000, codes: [] });
  });
});
