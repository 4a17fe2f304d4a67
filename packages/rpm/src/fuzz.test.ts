import { spawnSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Digest } from '@airlock/core';
import { expectOnlyCodedErrors, mutatedBytes, mutatedText, requireTools, suiteDir, tempDir, type Hotspot } from '@airlock/test-utils';
import { parseRequest, satisfies } from './dependency.js';
import { otherPackage, filelistsPackage } from './filelists-other-xml.js';
import { packageMeta } from './header-package.js';
import { findFileOwners } from './parse-filelists.js';
import { parsePrimary } from './parse-primary.js';
import { primaryOpen, primaryPackage, PRIMARY_CLOSE } from './primary-xml.js';
import { parseRepomd } from './repomd.js';
import { readRpmHeaders } from './rpm-header.js';
import { compareEvr, parseEvr, rpmvercmp } from './vercmp.js';

// Fuzzing of what the rpm driver reads from an upstream repo (repomd.xml, primary.xml,
// filelists.xml, RPM headers) and of the repodata it writes from RPM headers, seeded with the
// real fixture repo that rpmbuild and createrepo_c build.
const BUILD = fileURLToPath(new URL('../../../fixtures/rpm/build-repo.sh', import.meta.url));
const XML_TOKENS = ['<data type="primary">', '</data>', '<location href="../../etc/passwd"/>', '<checksum type="sha256">', '<size>', '99999999999999999999', '<package type="rpm">', '</package>', '<rpm:entry name="x" flags="ZZ"/>', '<file>', '&amp;', '&lt;', '&bogus;', '<![CDATA[x]]>', '<!DOCTYPE x [<!ENTITY a "aaaa">]>', '&a;', '<?xml version="1.0"?>', '"', "'", '<', '>', '/>'];

let work: { path: string; remove(): Promise<void> };
let repomd: string;
let primary: string;
let filelists: string;
let rpms: Buffer[];
let caseNo = 0;

function chunks(text: string, size: number): Readable {
  const bytes = Buffer.from(text, 'utf8');
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.subarray(i, i + size));
  return Readable.from(pieces);
}

/** Lead magic, both header intros (magic, counts) and their index entries: where a hostile RPM lies. */
function rpmHotspots(bytes: Buffer): Hotspot[] {
  const spots: Hotspot[] = [[0, 8], [96, 16]];
  const sigIndex = bytes.readUInt32BE(104);
  const sigData = bytes.readUInt32BE(108);
  spots.push([112, sigIndex * 16]);
  const sigLength = 16 + sigIndex * 16 + sigData;
  const main = 96 + sigLength + ((8 - (sigLength % 8)) % 8);
  spots.push([main, 16], [main + 16, Math.min(bytes.readUInt32BE(main + 8) * 16, 4096)]);
  return spots;
}

/** What publish does with a package: headers → PackageMeta → repodata XML, read back by the primary parser. */
async function headersToRepodata(bytes: Buffer): Promise<void> {
  const path = join(work.path, `case-${caseNo++}.rpm`);
  await writeFile(path, bytes);
  const meta = packageMeta(await readRpmHeaders(path), { digest: sha256Digest(bytes), size: bytes.length, href: 'Packages/x.rpm' });
  filelistsPackage(meta);
  otherPackage(meta);
  const xml = `${primaryOpen(1)}${primaryPackage(meta)}${PRIMARY_CLOSE}`;
  const back: string[] = [];
  try {
    await parsePrimary(chunks(xml, 4096), (p) => back.push(p.name));
  } catch (err) {
    // Our own checks may refuse odd names; what must never happen is XML that does not parse.
    if (/cannot be read/.test((err as Error).message)) throw new Error(`publish wrote primary.xml that does not parse: ${(err as Error).message}`);
  }
  if (back.length > 1) throw new Error(`one package's headers produced ${back.length} packages in primary.xml`);
}

describe.skipIf(!requireTools('rpmbuild', 'createrepo_c'))('fuzz: rpm', () => {
  beforeAll(async () => {
    work = await suiteDir('airlock-fuzz-rpm-');
    const made = spawnSync('bash', [BUILD, join(work.path, 'up')], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(made.stderr);
    const repo = join(work.path, 'up', 'repo');
    const repodata = await readdir(join(repo, 'repodata'));
    const read = async (suffix: string): Promise<string> => gunzipSync(await readFile(join(repo, 'repodata', repodata.find((n) => n.endsWith(suffix))!))).toString('utf8');
    repomd = await readFile(join(repo, 'repodata', 'repomd.xml'), 'utf8');
    primary = await read('-primary.xml.gz');
    filelists = await read('-filelists.xml.gz');
    rpms = await Promise.all((await readdir(join(repo, 'Packages'))).sort().map((n) => readFile(join(repo, 'Packages', n))));
  });
  afterAll(() => work.remove());

  it('parseRepomd over mutated repomd.xml', async () => {
    await expectOnlyCodedErrors(mutatedText(repomd, { tokens: XML_TOKENS, maxOps: 5 }), (xml) => parseRepomd(xml), { target: 'rpm parseRepomd', numRuns: 800, codes: ['UPSTREAM_INVALID'] });
  });

  it('parsePrimary over mutated primary.xml, streamed in small chunks', async () => {
    const input = fc.record({ xml: mutatedText(primary, { tokens: XML_TOKENS, maxOps: 6 }), size: fc.integer({ min: 1, max: 4096 }) });
    await expectOnlyCodedErrors(input, ({ xml, size }) => parsePrimary(chunks(xml, size), () => undefined), { target: 'rpm parsePrimary', numRuns: 400, codes: ['UPSTREAM_INVALID'] });
  });

  it('findFileOwners over mutated filelists.xml', async () => {
    const wanted = new Set(['/usr/bin/fx-tool', '/usr/share/doc/fx-doc/manual.txt']);
    await expectOnlyCodedErrors(mutatedText(filelists, { tokens: XML_TOKENS, maxOps: 6 }), (xml) => findFileOwners(chunks(xml, 512), wanted), { target: 'rpm findFileOwners', numRuns: 400, codes: ['UPSTREAM_INVALID'] });
  });

  it('readRpmHeaders + packageMeta + repodata writing over mutated real .rpm files', async () => {
    const input = fc.nat({ max: rpms.length - 1 }).chain((i) => mutatedBytes(rpms[i]!, { hotspots: rpmHotspots(rpms[i]!), maxOps: 3 }));
    await expectOnlyCodedErrors(input, headersToRepodata, { target: 'rpm headers', numRuns: 500, codes: ['UPSTREAM_INVALID'] });
  });

  it('parseRequest, satisfies and version order: total and antisymmetric on any strings', async () => {
    const text = fc.oneof(fc.string({ maxLength: 16 }), fc.stringMatching(/^([0-9]{1,2}:)?[0-9A-Za-z.~^_+]{1,8}(-[0-9A-Za-z.~^_]{1,5})?$/));
    await expectOnlyCodedErrors(fc.tuple(text, text, fc.constantFrom('', ' = ', ' >= ', ' < ', ' <= ', ' > ')), ([a, b, op]) => {
      const ab = rpmvercmp(a, b);
      if (ab !== -rpmvercmp(b, a)) throw new Error(`rpmvercmp(${JSON.stringify(a)}, ${JSON.stringify(b)}) is not antisymmetric`);
      if (Math.sign(compareEvr(parseEvr(a), parseEvr(b))) !== -Math.sign(compareEvr(parseEvr(b), parseEvr(a)))) throw new Error('compareEvr is not antisymmetric');
      const require = parseRequest(`pkg${op}${b}`);
      const provide = parseRequest(`pkg = ${a}`);
      if (require && provide) satisfies(provide, require);
    }, { target: 'rpm versions', numRuns: 800, codes: [] });
  });
});

describe.skipIf(!requireTools('rpm'))('fuzz: rpm version order against the real rpm', () => {
  it('rpmvercmp orders random versions exactly as rpm.vercmp does', async () => {
    const version = fc.stringMatching(/^[0-9A-Za-z.~^_+]{1,8}$/);
    const pairs = fc.sample(fc.tuple(version, version), { numRuns: Number(process.env.AIRLOCK_FUZZ_RUNS ?? 500) });
    const script = join(await tempDir(), 'vercmp.lua');
    const quote = (s: string): string => `[==[${s}]==]`;
    // rpm's lua print() joins its output without line breaks, so collect the results and print once.
    await writeFile(script, ['local r = {}', ...pairs.map(([a, b]) => `r[#r + 1] = rpm.vercmp(${quote(a)}, ${quote(b)})`), 'print(table.concat(r, ","))'].join('\n'));
    const out = spawnSync('rpm', ['--eval', `%{lua: dofile(${quote(script)})}`], { encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(0);
    const theirs = out.stdout.trim().split(',').map(Number);
    const mismatches = pairs.filter(([a, b], i) => rpmvercmp(a, b) !== theirs[i]).map(([a, b], i) => `${a} vs ${b}: airlock ${rpmvercmp(a, b)}, rpm ${theirs[i]}`);
    expect(theirs).toHaveLength(pairs.length);
    expect(mismatches).toEqual([]);
  });
});
