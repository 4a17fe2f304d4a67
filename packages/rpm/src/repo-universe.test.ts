import { describe, expect, it } from 'vitest';
import { EQUAL, GREATER } from './dependency.js';
import { closureOf, RepoUniverse } from './repo-universe.js';
import { parseEvr } from './vercmp.js';
import type { Dependency, PrimaryPackage } from './types.js';

function pkg(name: string, evr: string, arch: string, extra: { requires?: Dependency[]; provides?: Dependency[]; files?: string[] } = {}): PrimaryPackage {
  const { epoch, version, release = '1' } = parseEvr(evr);
  return {
    name, arch, epoch, version, release, checksumType: 'sha256', checksum: '0'.repeat(64), href: `Packages/${name}-${evr}.${arch}.rpm`, size: 1,
    provides: [{ name, flags: EQUAL, evr: { epoch, version, release } }, ...(extra.provides ?? [])],
    requires: extra.requires ?? [],
    files: extra.files ?? [],
  };
}
const req = (name: string, flags = 0, evr?: string): Dependency => (evr ? { name, flags, evr: parseEvr(evr) } : { name, flags });
const nevra = (p: PrimaryPackage): string => `${p.name}-${p.epoch}:${p.version}-${p.release}.${p.arch}`;

describe('RepoUniverse closure', () => {
  const repo = [
    pkg('app', '1.0-1', 'x86_64', { requires: [req('lib', GREATER | EQUAL, '2.0'), req('/usr/bin/tool'), req('mta'), req('rpmlib(PayloadIsZstd)'), req('libc.so.6()(64bit)')] }),
    pkg('lib', '1.0-1', 'x86_64'),
    pkg('lib', '2.0-1', 'x86_64'),
    pkg('lib', '2.5-1', 'i686'),
    pkg('lib', '1:0.1-1', 'x86_64'),
    pkg('tools', '1-1', 'noarch', { files: ['/usr/bin/tool'] }),
    pkg('postfix', '3-1', 'x86_64', { provides: [req('mta')] }),
  ];

  it('takes the newest satisfying version (epoch first), file provides and virtual provides, and names what is missing', () => {
    const universe = new RepoUniverse(repo, ['x86_64', 'noarch']);
    const result = closureOf([repo[0]!], universe);
    expect(result.packages.map(nevra)).toEqual(['app-0:1.0-1.x86_64', 'lib-1:0.1-1.x86_64', 'tools-0:1-1.noarch', 'postfix-0:3-1.x86_64']);
    expect(result.unsatisfied).toEqual([{ package: 'app-0:1.0-1.x86_64', requires: 'libc.so.6()(64bit)' }]);
  });

  it('prefers the configured arch among equal versions', () => {
    const both = [pkg('lib', '2.0-1', 'i686'), pkg('lib', '2.0-1', 'x86_64')];
    expect(new RepoUniverse(both, ['x86_64', 'i686']).candidates(req('lib')).map((p) => p.arch)).toEqual(['x86_64', 'i686']);
    expect(new RepoUniverse(both, ['i686', 'x86_64']).candidates(req('lib')).map((p) => p.arch)).toEqual(['i686', 'x86_64']);
  });

  it('finds no candidate when no version satisfies the constraint', () => {
    expect(new RepoUniverse(repo).candidates(req('lib', GREATER, '1:5'))).toEqual([]);
  });
});
