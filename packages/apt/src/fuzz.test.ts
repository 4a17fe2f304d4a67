import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAirlockError } from '@airlock/core';
import { expectCode, expectOnlyCodedErrors, mutatedBytes, mutatedText, requireTools, suiteDir, tempDir } from '@airlock/test-utils';
import { parseStanza, readStanzas } from './deb822.js';
import { decompressed } from './decompress.js';
import { readPackageEntry } from './package-entry.js';
import { parseRelations } from './relations.js';
import { checkNotExpired, checkSuite, parseRelease, releaseDate } from './release.js';
import { releaseText } from './release-text.js';
import { compareDebVersions, parseDebVersion, satisfiesVersion } from './version.js';

// Fuzzing of the apt parsers that read upstream text (Packages, Release, relation fields and
// versions), seeded with the real fixture archive that apt-ftparchive and gpg build.
const BUILD = fileURLToPath(new URL('../../../fixtures/apt/build-upstream.sh', import.meta.url));
const FIELD_TOKENS = ['Package:', 'Version:', 'Architecture:', 'Filename:', 'Size:', 'SHA256:', 'Depends:', 'Pre-Depends:', 'Provides:', 'Suite:', 'Codename:', 'Date:', 'Valid-Until:', ' ', '\t', '#', '..', './', '/', '|', ',', '(>=', '<<', '>>', ':any', '[amd64]', '<!nocheck>', '1:', '~', '-'];

let work: { path: string; remove(): Promise<void> };
let packages: string;
let packagesGz: Buffer;
let stanzas: string[];
let releaseBody: string;
let inRelease: string;

/** The stream as a mirror would deliver it: cut into chunks at arbitrary places. */
function chunked(bytes: Buffer, cuts: number[]): Readable {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let last = 0;
  for (const p of [...points, bytes.length]) {
    if (p > last) pieces.push(bytes.subarray(last, p));
    last = p;
  }
  return Readable.from(pieces);
}

/** What export does with an index: every stanza read and checked as a package entry. */
async function readIndex(stream: Readable): Promise<number> {
  let n = 0;
  for await (const stanza of readStanzas(stream, 'fuzz Packages')) {
    parseStanza(stanza);
    try {
      readPackageEntry(stanza, 'fuzz Packages');
    } catch (err) {
      if (!isAirlockError(err)) throw err;
    }
    n++;
  }
  return n;
}

describe.skipIf(!requireTools('dpkg-deb', 'apt-ftparchive', 'gpg'))('fuzz: apt', () => {
  beforeAll(async () => {
    work = await suiteDir('airlock-fuzz-apt-');
    const made = spawnSync('bash', [BUILD, join(work.path, 'up')], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(made.stderr);
    const dist = join(work.path, 'up', 'archive', 'dists', 'stable');
    packages = await readFile(join(dist, 'main/binary-amd64/Packages'), 'utf8');
    packagesGz = await readFile(join(dist, 'main/binary-amd64/Packages.gz'));
    stanzas = packages.split('\n\n').filter((s) => s.trim() !== '');
    releaseBody = await readFile(join(dist, 'Release'), 'utf8');
    inRelease = await readFile(join(dist, 'InRelease'), 'utf8');
  });
  afterAll(() => work.remove());

  it('readStanzas + readPackageEntry over mutated Packages text, cut into random chunks', async () => {
    const input = fc.record({ text: mutatedText([packages, ...stanzas], { tokens: FIELD_TOKENS, maxOps: 6 }), cuts: fc.array(fc.nat(), { maxLength: 8 }) });
    await expectOnlyCodedErrors(input, ({ text, cuts }) => readIndex(chunked(Buffer.from(text, 'utf8'), cuts)), { target: 'apt readStanzas/text', numRuns: 400 });
  });

  it('readStanzas over mutated bytes of Packages (invalid UTF-8 included)', async () => {
    const input = fc.record({ bytes: mutatedBytes(Buffer.from(packages)), cuts: fc.array(fc.nat(), { maxLength: 8 }) });
    await expectOnlyCodedErrors(input, ({ bytes, cuts }) => readIndex(chunked(bytes, cuts)), { target: 'apt readStanzas/bytes', numRuns: 300 });
  });

  it('readStanzas over a mutated Packages.gz, decompressed as export and reverify do', async () => {
    const input = fc.oneof(mutatedBytes(packagesGz, { hotspots: [[0, 10], [packagesGz.length - 8, 8]] }), mutatedText(packages, { tokens: FIELD_TOKENS }).map((t) => gzipSync(t)));
    await expectOnlyCodedErrors(input, (bytes) => readIndex(decompressed(Readable.from([bytes]), 'gz', 'fuzz Packages.gz')), { target: 'apt Packages.gz', numRuns: 300 });
  });

  it('readPackageEntry over mutated single stanzas', async () => {
    await expectOnlyCodedErrors(mutatedText(stanzas, { tokens: FIELD_TOKENS, maxOps: 3 }), (stanza) => readPackageEntry(stanza, 'fuzz'), { target: 'apt readPackageEntry', numRuns: 600, codes: ['UPSTREAM_INVALID'] });
  });

  it('parseRelations never throws on mutated relation fields and returns well-formed relations', async () => {
    const fields = stanzas.flatMap((s) => [...parseStanza(s)].filter(([k]) => ['depends', 'pre-depends', 'provides', 'recommends'].includes(k)).map(([, v]) => v));
    const input = fc.oneof(mutatedText(fields.length > 0 ? fields : ['a'], { tokens: FIELD_TOKENS, maxOps: 5 }), fc.string({ maxLength: 200 }));
    await expectOnlyCodedErrors(input, (field) => {
      const { groups } = parseRelations(field);
      for (const group of groups) for (const r of group) if (!/^[a-z0-9][a-z0-9+.-]*$/i.test(r.name) || (r.op !== undefined) !== (r.version !== undefined)) throw new Error(`malformed relation ${JSON.stringify(r)}`);
    }, { target: 'apt parseRelations', numRuns: 600, codes: [] });
  });

  it('parseRelease, checkSuite, checkNotExpired over mutated Release text', async () => {
    const body = inRelease.slice(inRelease.indexOf('\n\n') + 2, inRelease.indexOf('-----BEGIN PGP SIGNATURE-----'));
    await expectOnlyCodedErrors(mutatedText([releaseBody, body], { tokens: FIELD_TOKENS, maxOps: 5 }), (text) => {
      const release = parseRelease(text, 'fuzz Release');
      releaseDate(release.fields.get('date'));
      checkSuite(release, 'stable', 'fuzz Release');
      checkNotExpired(release, 'fuzz Release', false, new Date('2030-01-01T00:00:00Z'));
    }, { target: 'apt parseRelease', numRuns: 800, codes: ['UPSTREAM_INVALID'] });
  });

  it('releaseText keeps hostile upstream fields on one line each: no field can be injected', async () => {
    const field = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('x\nValid-Until: Thu, 01 Jan 1970 00:00:00 UTC', 'a\r\nSHA256:', '\u2028', 'é', ' \n '));
    const input = fc.record({ origin: field, label: field, suite: field, codename: field, version: field });
    await expectOnlyCodedErrors(input, (f) => {
      const upstream = parseRelease(`Origin: o\nSHA256:\n ${'a'.repeat(64)} 1 main/binary-amd64/Packages\n`, 'seed');
      for (const [k, v] of Object.entries(f)) upstream.fields.set(k, v);
      const text = releaseText({ upstream, sourceName: 'src', suite: 'stable', flat: false, components: ['main'], architectures: ['amd64'], byHash: false, date: new Date(0) }, [{ path: 'main/binary-amd64/Packages', sha256: 'b'.repeat(64), size: 2 } as never]);
      const names = text.split('\n').filter((l) => l !== '' && !l.startsWith(' ')).map((l) => l.slice(0, l.indexOf(':')));
      expect(names).toEqual(['Origin', 'Label', 'Suite', 'Codename', ...(names.includes('Version') ? ['Version'] : []), 'Date', 'Architectures', 'Components', 'Description', 'SHA256']);
      expect(/[^\x20-\x7e\n]/.test(text)).toBe(false);
    }, { target: 'apt releaseText', numRuns: 300, codes: [] });
  });

  it('compareDebVersions is total and antisymmetric on any strings, and satisfiesVersion agrees with it', async () => {
    const version = fc.oneof(fc.string({ maxLength: 20 }), fc.stringMatching(/^([0-9]{1,3}:)?[0-9][A-Za-z0-9.+~]{0,8}(-[A-Za-z0-9.+~]{1,6})?$/));
    await expectOnlyCodedErrors(fc.tuple(version, version), ([a, b]) => {
      parseDebVersion(a);
      const ab = Math.sign(compareDebVersions(a, b));
      const ba = Math.sign(compareDebVersions(b, a));
      if (ab !== -ba) throw new Error(`compare(${JSON.stringify(a)}, ${JSON.stringify(b)}) = ${ab} but the reverse is ${ba}`);
      if (satisfiesVersion(a, '>=', b) !== ab >= 0 || satisfiesVersion(a, '<<', b) !== ab < 0) throw new Error('satisfiesVersion disagrees with compareDebVersions');
    }, { target: 'apt compareDebVersions', numRuns: 800, codes: [] });
  });
});

describe.skipIf(!requireTools('dpkg'))('fuzz: apt version order against the real dpkg', () => {
  it('compareDebVersions orders random valid versions exactly as dpkg --compare-versions does', async () => {
    const version = fc.stringMatching(/^([0-9]{1,2}:)?[0-9][A-Za-z0-9.+~]{0,6}(-[A-Za-z0-9.+~]{1,4})?$/);
    const pairs = fc.sample(fc.tuple(version, version), { numRuns: Number(process.env.AIRLOCK_FUZZ_RUNS ?? 150) });
    // One shell runs every comparison (the versions hold no shell metacharacters but are quoted anyway).
    const script = join(await tempDir(), 'compare.sh');
    await writeFile(script, pairs.map(([a, b]) => `if dpkg --compare-versions '${a}' lt '${b}'; then echo -1; elif dpkg --compare-versions '${a}' eq '${b}'; then echo 0; else echo 1; fi`).join('\n'));
    const out = spawnSync('sh', [script], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(out.status, out.stderr).toBe(0);
    const theirs = out.stdout.trim().split('\n').map(Number);
    expect(theirs).toHaveLength(pairs.length);
    const mismatches = pairs.filter(([a, b], i) => Math.sign(compareDebVersions(a, b)) !== theirs[i]).map(([a, b]) => `${a} vs ${b}: airlock ${Math.sign(compareDebVersions(a, b))}`);
    expect(mismatches).toEqual([]);
  }, 600_000);
});

describe('fuzz findings, kept as regression cases', () => {
  const index = gzipSync('Package: a\nVersion: 1\nArchitecture: amd64\nFilename: pool/a_1_amd64.deb\nSize: 1\nSHA256: ' + 'a'.repeat(64) + '\n');

  it('a Packages.gz with a damaged gzip header is UPSTREAM_INVALID, not a raw zlib error', async () => {
    // Found by "apt Packages.gz": the fixture's Packages.gz with its first magic byte 0x1f turned into 0x30.
    const damaged = Buffer.from(index);
    damaged[0] = 0x30;
    await expectCode(readIndex(decompressed(Readable.from([damaged]), 'gz', 'Packages.gz')), 'UPSTREAM_INVALID');
  });

  it('a truncated Packages.gz is UPSTREAM_INVALID, not a raw zlib error', async () => {
    await expectCode(readIndex(decompressed(Readable.from([index.subarray(0, index.length - 12)]), 'gz', 'Packages.gz')), 'UPSTREAM_INVALID');
  });
});
