import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { resolveClosure } from '@airlock/depsolve';
import { readStanzas } from './deb822.js';
import { compressionOf, decompressed } from './decompress.js';
import { readPackageEntry, type PackageEntry } from './package-entry.js';
import { parseAptSpec } from './parse-spec.js';
import { parseRelations } from './relations.js';
import { AptUniverse } from './universe.js';

const HASH = 'a'.repeat(64);
function pkg(name: string, version: string, fields: Partial<PackageEntry> = {}): PackageEntry {
  return { name, version, architecture: 'amd64', filename: `pool/${name}_${version}.deb`, sha256: HASH, size: 1, ...fields };
}

describe('apt config', () => {
  it('accepts the documented shape and a flat suite', () => {
    const spec = parseAptSpec(
      { type: 'apt', name: 'u', url: 'http://archive.example/ubuntu', suites: ['jammy', 'jammy-updates'], components: ['main'], architectures: ['amd64'], keyring: 'k.gpg', packages: ['socat', 'nfs-common (>= 1:2.6)'], recommends: false },
      'sources[0]',
      '/cfg',
    );
    expect(spec).toMatchObject({ url: 'http://archive.example/ubuntu/', keyring: '/cfg/k.gpg', dependencies: true, packages: [{ name: 'socat' }, { name: 'nfs-common', op: '>=', version: '1:2.6' }] });
    expect(parseAptSpec({ type: 'apt', name: 'f', url: 'http://h/r', suites: ['/'], architectures: ['amd64'], keyring: 'k' }, '', '/').components).toEqual([]);
  });

  it('lists every bad field at once', () => {
    try {
      parseAptSpec({ type: 'apt', name: '../x', url: 'ftp://h', suites: ['../etc'], components: [], architectures: ['all'], packages: ['a | b'], byHash: 'yes', extra: 1 }, 's', '/');
      expect.unreachable();
    } catch (err) {
      const paths = (err as { code: string; details: { problems: Array<{ path: string }> } }).details.problems.map((p) => p.path);
      expect((err as { code: string }).code).toBe('CONFIG_INVALID');
      expect(paths.sort()).toEqual(['s.architectures[0]', 's.byHash', 's.components', 's.extra', 's.keyring', 's.name', 's.packages[0]', 's.suites[0]', 's.url'].sort());
    }
  });
});

describe('deb822 and relations', () => {
  it('streams stanzas from gzip across chunk boundaries, with continuation lines', async () => {
    const text = 'Package: a\nDescription: x\n more\n\n\nPackage: b\r\nVersion: 1\r\n';
    const gz = gzipSync(text);
    const chunks = [gz.subarray(0, 7), gz.subarray(7)];
    const out: string[] = [];
    for await (const s of readStanzas(decompressed(Readable.from(chunks), compressionOf('Packages.gz'), 't'), 't')) out.push(s);
    expect(out).toEqual(['Package: a\nDescription: x\n more', 'Package: b\nVersion: 1']);
  });

  it('parses alternatives, versions, arch qualifiers and restrictions; reports garbage', () => {
    expect(parseRelations('libc6 (>= 2.34), a:any | b (<< 2~) [amd64], c <!nocheck>, $$bad').groups).toEqual([
      [{ name: 'libc6', op: '>=', version: '2.34' }],
      [{ name: 'a' }, { name: 'b', op: '<<', version: '2~' }],
      [{ name: 'c' }],
    ]);
    expect(parseRelations('x, $$bad').bad).toEqual(['$$bad']);
    expect(parseRelations('d (<< 3) <!nocheck>, e (<= 1) [i386], f (< 2)').groups).toEqual([[{ name: 'd', op: '<<', version: '3' }], [{ name: 'e', op: '<=', version: '1' }], [{ name: 'f', op: '<=', version: '2' }]]);
  });

  it('refuses stanzas whose Filename would escape the tree', () => {
    const base = `Package: pp\nVersion: 1\nArchitecture: amd64\nSHA256: ${HASH}\nSize: 3\n`;
    expect(readPackageEntry(`${base}Filename: ./pool/p.deb`, 't').filename).toBe('pool/p.deb');
    for (const bad of ['../p.deb', 'pool/../../p.deb', '/abs/p.deb', 'pool/p.txt', 'dists/x/p.deb']) {
      expect(() => readPackageEntry(`${base}Filename: ${bad}`, 't')).toThrow(expect.objectContaining({ code: 'UPSTREAM_INVALID' }));
    }
  });
});

describe('apt closure', () => {
  const build = (packages: PackageEntry[], options = { dependencies: true, recommends: false, suggests: false }) => {
    const u = new AptUniverse(options);
    packages.forEach((p) => u.add(p));
    return u;
  };
  const names = (ps: PackageEntry[]) => ps.map((p) => `${p.name} ${p.version}`).sort();

  it('takes the newest satisfying version, Provides, the first satisfiable alternative and Pre-Depends', () => {
    const u = build([
      pkg('app', '1', { depends: 'lib (>= 1.2), mta, missing | alt-b, alt-c | alt-d', preDepends: 'pre' }),
      pkg('lib', '1.1'),
      pkg('lib', '1.2'),
      pkg('lib', '1.3~rc1'),
      pkg('exim', '4', { provides: 'mta' }),
      pkg('alt-b', '1'),
      pkg('alt-c', '1'),
      pkg('alt-d', '1'),
      pkg('pre', '1', { architecture: 'all' }),
    ]);
    const closure = resolveClosure([u.candidates({ name: 'app' })[0]!], u);
    expect(closure.unsatisfied).toEqual([]);
    expect(names(closure.packages)).toEqual(['alt-b 1', 'alt-c 1', 'app 1', 'exim 4', 'lib 1.3~rc1', 'pre 1']);
  });

  it('meets a versioned requirement only through a versioned Provides, and follows Recommends only when asked', () => {
    const u = build([pkg('app', '1', { depends: 'virt (>= 2)', recommends: 'rec' }), pkg('p1', '1', { provides: 'virt' }), pkg('p2', '1', { provides: 'virt (= 2.1)' }), pkg('rec', '1')]);
    expect(names(resolveClosure([u.candidates({ name: 'app' })[0]!], u).packages)).toEqual(['app 1', 'p2 1']);
    const withRec = build([pkg('app', '1', { recommends: 'rec' }), pkg('rec', '1')], { dependencies: true, recommends: true, suggests: false });
    expect(names(resolveClosure([withRec.candidates({ name: 'app' })[0]!], withRec).packages)).toEqual(['app 1', 'rec 1']);
  });

  it('reports what nothing satisfies', () => {
    const u = build([pkg('app', '1', { depends: 'gone (>= 3), $$' })]);
    const closure = resolveClosure([u.candidates({ name: 'app' })[0]!], u);
    expect(closure.unsatisfied.map((x) => x.requirement.map((r) => r.name).join('|'))).toEqual(['gone', '$$']);
  });
});
