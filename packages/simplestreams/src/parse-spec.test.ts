import { describe, expect, it } from 'vitest';
import { expectCodeSync } from '@airlock/test-utils';
import { parseSimplestreamsSpec } from './parse-spec.js';

const parse = (raw: Record<string, unknown>) => parseSimplestreamsSpec({ type: 'simplestreams', name: 'maas', ...raw }, 'sources[0]', '/etc/airlock');

describe('simplestreams config', () => {
  it('takes a mirror root or an index.sjson URL, resolves the keyring, defaults max 1 and bootloaders on', () => {
    const root = parse({ url: 'https://images.maas.io/ephemeral-v3/stable', keyring: 'k.gpg' });
    expect(root).toMatchObject({ mirror: 'https://images.maas.io/ephemeral-v3/stable/', index: 'https://images.maas.io/ephemeral-v3/stable/streams/v1/index.sjson', keyring: '/etc/airlock/k.gpg', max: 1, bootloaders: { filters: [], max: 1 }, insecure: false });
    const index = parse({ url: 'https://images.maas.io/ephemeral-v3/stable/streams/v1/index.sjson', keyring: 'k.gpg' });
    expect(index.mirror).toBe('https://images.maas.io/ephemeral-v3/stable/');
  });

  it('lists every bad field at once', () => {
    const err = expectCodeSync(() => parse({ url: 'ftp://x/', filters: ['nope', 'release~('], max: 0, bootloaders: 'yes', custom: [{ name: 'rhel', file: '' }] }), 'CONFIG_INVALID');
    const paths = (err.details?.problems as Array<{ path: string }>).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['sources[0].url', 'sources[0].keyring', 'sources[0].filters[0]', 'sources[0].filters[1]', 'sources[0].max', 'sources[0].bootloaders', 'sources[0].custom[0].name', 'sources[0].custom[0].arch', 'sources[0].custom[0].file']));
  });

  it('needs insecure: true to omit the keyring or to start from an unsigned index.json', () => {
    expectCodeSync(() => parse({ url: 'http://m/streams/v1/index.json', keyring: 'k' }), 'CONFIG_INVALID');
    expect(parse({ url: 'http://m/streams/v1/index.json', insecure: true }).keyring).toBeUndefined();
  });

  it('reads bootloader filters and custom images', () => {
    const spec = parse({ url: 'http://m/', keyring: 'k', bootloaders: { filters: ['arch=amd64'], max: 2 }, custom: [{ name: 'rhel/9', arch: 'amd64', file: 'rhel9.tar.gz', title: 'RHEL 9' }] });
    expect(spec.bootloaders).toMatchObject({ max: 2, filters: [{ key: 'arch' }] });
    expect(spec.custom).toEqual([{ os: 'rhel', release: '9', title: 'RHEL 9', arch: 'amd64', file: '/etc/airlock/rhel9.tar.gz' }]);
  });
});
