import { describe, expect, it } from 'vitest';
import { isAirlockError } from '@airlock/core';
import { isSafeHref, parseRepomd } from './repomd.js';

const entry = (href: string, type = 'sha256', sum = 'a'.repeat(64)): string =>
  `<repomd xmlns="http://linux.duke.edu/metadata/repo"><data type="primary"><checksum type="${type}">${sum}</checksum><location href="${href}"/><size>10</size></data></repomd>`;

describe('parseRepomd (attacker-controlled)', () => {
  it('reads type, location, checksum and size', () => {
    expect(parseRepomd(entry('repodata/x-primary.xml.gz'))).toEqual([{ type: 'primary', href: 'repodata/x-primary.xml.gz', checksumType: 'sha256', checksum: 'a'.repeat(64), size: 10 }]);
  });

  it.each([
    ['a traversal location', entry('../../etc/passwd')],
    ['an absolute location', entry('/etc/passwd')],
    ['a URL location', entry('http://elsewhere/x.xml.gz')],
    ['an unknown checksum type', entry('repodata/x.xml.gz', 'md5', 'a'.repeat(32))],
    ['a malformed checksum', entry('repodata/x.xml.gz', 'sha256', 'zz')],
    ['broken XML', '<repomd><data type="primary">'],
    ['no repomd root', '<other/>'],
  ])('refuses %s with UPSTREAM_INVALID', (_what, xml) => {
    expect(() => parseRepomd(xml)).toThrow(expect.objectContaining({ code: 'UPSTREAM_INVALID' }));
  });

  it('isSafeHref accepts only plain relative paths', () => {
    expect(isSafeHref('Packages/d/docker-ce.rpm')).toBe(true);
    for (const bad of ['', 'a//b', './a', 'a/../b', 'a\\b', 'C:x']) expect(isSafeHref(bad)).toBe(false);
    expect(isAirlockError(new Error('x'))).toBe(false);
  });
});
