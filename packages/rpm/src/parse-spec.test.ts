import { describe, expect, it } from 'vitest';
import { isAirlockError } from '@airlock/core';
import { expectCodeSync } from '@airlock/test-utils';
import { parseRpmSpec } from './parse-spec.js';

describe('parseRpmSpec', () => {
  it('accepts the documented example, resolving gpgkey against the config dir', () => {
    const spec = parseRpmSpec(
      { type: 'rpm', name: 'docker-ce', url: 'https://download.example/linux/centos/9/x86_64/stable', gpgkey: 'keys/docker.asc', packages: ['docker-ce', 'containerd.io >= 1.6'], dependencies: true, arch: ['x86_64', 'noarch'] },
      'sources[0]',
      '/etc/airlock',
    );
    expect(spec.url).toBe('https://download.example/linux/centos/9/x86_64/stable/');
    expect(spec.gpgkey).toEqual(['/etc/airlock/keys/docker.asc']);
    expect(spec.repoGpgcheck).toBe(true);
    expect(spec.repodataCompression).toBe('gz');
    expect(spec.packages?.map((p) => p.dependency.name)).toEqual(['docker-ce', 'containerd.io']);
  });

  it('omitting packages mirrors the whole repo', () => {
    expect(parseRpmSpec({ type: 'rpm', name: 'all', url: 'http://x/repo/', gpgkey: 'k.asc' }, '', '/').packages).toBeUndefined();
  });

  it('lists every bad field at once', () => {
    try {
      parseRpmSpec({ type: 'rpm', name: '../x', url: 'ftp://x', repoGpgcheck: true, packages: ['ok', 'a b c'], arch: ['x86 64'], dependencies: 'yes', repodataCompression: 'xz', extra: 1 }, 's', '/');
      expect.unreachable();
    } catch (err) {
      expect(isAirlockError(err, 'CONFIG_INVALID')).toBe(true);
      const paths = ((err as { details: { problems: Array<{ path: string }> } }).details.problems).map((p) => p.path).sort();
      expect(paths).toEqual(['s.arch[0]', 's.dependencies', 's.extra', 's.gpgkey', 's.name', 's.packages[1]', 's.repodataCompression', 's.url']);
    }
  });

  const problemPaths = (raw: Record<string, unknown>): string[] => {
    const err = expectCodeSync(() => parseRpmSpec({ type: 'rpm', name: 'r', url: 'http://x/repo/', ...raw }, 'sources[3]', '/'), 'CONFIG_INVALID');
    return ((err.details?.problems ?? []) as Array<{ path: string }>).map((p) => p.path);
  };

  it('regression: a source without gpgkey is refused, naming the source (it was mirrored unverified and re-signed with the site key)', () => {
    expect(problemPaths({})).toEqual(['sources[3].gpgkey']);
    const err = expectCodeSync(() => parseRpmSpec({ type: 'rpm', name: 'epel', url: 'http://x/repo/' }, 'sources[3]', '/'), 'CONFIG_INVALID');
    expect(err.message).toContain('rpm source "epel"');
    expect(err.message).toContain('insecure: true');
  });

  it('mirrors unverified only with an explicit insecure: true, which contradicts gpgkey and repoGpgcheck', () => {
    const spec = parseRpmSpec({ type: 'rpm', name: 'r', url: 'http://x/repo/', insecure: true }, '', '/');
    expect(spec).toMatchObject({ insecure: true, repoGpgcheck: false, gpgkey: [] });
    expect(parseRpmSpec({ type: 'rpm', name: 'r', url: 'http://x/repo/', gpgkey: 'k.asc' }, '', '/')).toMatchObject({ insecure: false, repoGpgcheck: true });
    expect(problemPaths({ gpgkey: 'k.asc', repoGpgcheck: false })).toEqual(['sources[3].repoGpgcheck']);
    expect(problemPaths({ insecure: true, gpgkey: 'k.asc' })).toEqual(['sources[3].insecure']);
    expect(problemPaths({ insecure: true, repoGpgcheck: true })).toEqual(['sources[3].insecure']);
    expect(problemPaths({ insecure: 'yes', gpgkey: 'k.asc' })).toEqual(['sources[3].insecure']);
    expect(problemPaths({ insecure: true, gpgcheck: true })).toEqual(['sources[3].insecure']);
  });

  it('accepts package signatures (gpgcheck) instead of a repo signature, as for EPEL', () => {
    const spec = parseRpmSpec({ type: 'rpm', name: 'epel', url: 'http://x/repo/', gpgkey: 'epel.asc', repoGpgcheck: false, gpgcheck: true }, '', '/');
    expect(spec).toMatchObject({ insecure: false, repoGpgcheck: false, gpgcheck: true });
    expect(parseRpmSpec({ type: 'rpm', name: 'r', url: 'http://x/repo/', gpgkey: 'k.asc' }, '', '/').gpgcheck).toBe(false);
    expect(problemPaths({ gpgkey: 'k.asc', gpgcheck: 'yes' })).toEqual(['sources[3].gpgcheck']);
  });
});
