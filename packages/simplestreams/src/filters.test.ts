import { describe, expect, it } from 'vitest';
import { matchesAll, parseFilter, type Filter } from './filters.js';

const f = (text: string): Filter => {
  const parsed = parseFilter(text);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
};

describe('sstream-mirror filters', () => {
  it('parses the four operators, with spaces around them, and keys with dashes', () => {
    expect(f('arch=amd64')).toMatchObject({ key: 'arch', op: '=', value: 'amd64' });
    expect(f('arch != amd64')).toMatchObject({ key: 'arch', op: '!=', value: 'amd64' });
    expect(f('release~(jammy|noble)')).toMatchObject({ key: 'release', op: '~', value: '(jammy|noble)' });
    expect(f('bootloader-type!~^pxe')).toMatchObject({ key: 'bootloader-type', op: '!~', value: '^pxe' });
  });

  it('rejects what sstream-mirror cannot parse and invalid regular expressions', () => {
    expect(parseFilter('arch')).toMatch(/must be key=value/);
    expect(parseFilter('=amd64')).toMatch(/must be key=value/);
    expect(parseFilter('release~(jammy')).toMatch(/regular expression/);
  });

  it('~ is an unanchored search, = is exact, a missing key is the empty string, all filters must match', () => {
    const item = { arch: 'amd64', release: 'jammy', os: 'ubuntu' };
    expect(matchesAll([f('release~amm')], item)).toBe(true);
    expect(matchesAll([f('arch=amd')], item)).toBe(false);
    expect(matchesAll([f('kflavor=')], item)).toBe(true);
    expect(matchesAll([f('kflavor!~.')], item)).toBe(true);
    expect(matchesAll([f('os~(grub*|pxelinux)')], item)).toBe(false);
    expect(matchesAll([f('arch=amd64'), f('release=noble')], item)).toBe(false);
    expect(matchesAll([], item)).toBe(true);
  });

  it('does not read inherited object properties as item fields (regression: a key named constructor)', () => {
    expect(matchesAll([f('constructor~function')], { arch: 'amd64' })).toBe(false);
  });
});
