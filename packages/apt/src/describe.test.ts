import { describe, expect, it } from 'vitest';
import { sha256Digest } from '@airlock/core';
import { describeApt } from './describe.js';
import type { AptCatalog, CarriedIndex } from './types.js';

const stanza = (name: string, size: number): string => `Package: ${name}\nVersion: 1.0-1\nArchitecture: amd64\nFilename: pool/main/${name}_1.0-1_amd64.deb\nSize: ${size}\nSHA256: ${'a'.repeat(64)}`;
const index = (component: string, stanzas: string[]): CarriedIndex => ({ component, architecture: 'amd64', path: `${component}/binary-amd64/Packages`, digest: sha256Digest(component), size: 1, stanzas });
const release = { kind: 'inrelease' as const, text: '' };

describe('describeApt', () => {
  it('counts each pool file once, groups suites that share components, and writes flat suites without components', () => {
    const catalog: AptCatalog = {
      version: 1,
      keyring: '',
      byHash: false,
      dists: [
        { suite: 'jammy', flat: false, release, indexes: [index('main', [stanza('app', 100), stanza('bar', 20)]), index('universe', [stanza('cli', 3)])] },
        { suite: 'jammy-updates', flat: false, release, indexes: [index('main', [stanza('app', 100)]), index('universe', [])] },
        { suite: 'flat/', flat: true, release, indexes: [index('', [stanza('bar', 20)])] },
      ],
    };
    const d = describeApt(catalog, { sourceName: 'ubuntu' });
    expect(d.counts).toEqual([{ label: 'packages', value: 3 }, { label: 'suites', value: 3 }, { label: 'components', value: 2 }, { label: 'architectures', value: 1 }]);
    expect(d.bytes).toBe(123);
    const [key, list, deb822] = d.clients;
    expect(key?.template).toBe('install -d -m 0755 /etc/apt/keyrings\ncurl -fsSLo /etc/apt/keyrings/airlock-site.gpg {{url}}keys/site.gpg');
    expect(list?.file).toBe('/etc/apt/sources.list.d/airlock-ubuntu.list');
    expect(list?.template).toBe(
      [
        'deb [signed-by=/etc/apt/keyrings/airlock-site.gpg] {{url}}apt/ubuntu jammy main universe',
        'deb [signed-by=/etc/apt/keyrings/airlock-site.gpg] {{url}}apt/ubuntu jammy-updates main universe',
        'deb [signed-by=/etc/apt/keyrings/airlock-site.gpg] {{url}}apt/ubuntu flat/',
        '',
      ].join('\n'),
    );
    expect(deb822?.template).toBe(
      [
        'Types: deb', 'URIs: {{url}}apt/ubuntu', 'Suites: jammy jammy-updates', 'Components: main universe', 'Signed-By: /etc/apt/keyrings/airlock-site.gpg', '',
        'Types: deb', 'URIs: {{url}}apt/ubuntu', 'Suites: flat/', 'Signed-By: /etc/apt/keyrings/airlock-site.gpg', '',
      ].join('\n'),
    );
  });
});
