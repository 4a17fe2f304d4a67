import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkProductsFile } from './conformance/products-file.js';
import { prettyJson, renderProducts } from './render.js';
import { selectVersions } from './select.js';

type Doc = Record<string, any>;
const ubuntu = (): Doc => JSON.parse(readFileSync(new URL('../test-data/simplestreams_ubuntu.json', import.meta.url), 'utf8')) as Doc;
const DIGEST = `sha256:${'0'.repeat(64)}` as const;

describe('simplestreams render: the reader flattens, the writer expands', () => {
  it('a condensed upstream (label at top, ftype and kpackage hoisted to the version) is published expanded and passes MAAS 3.8', () => {
    const doc = ubuntu();
    doc.label = 'stable';
    for (const product of Object.values(doc.products) as Doc[]) {
      delete product.label;
      for (const version of Object.values(product.versions) as Doc[]) {
        version.kpackage = 'linux-generic';
        for (const item of Object.values(version.items) as Doc[]) delete item.kpackage;
      }
    }
    expect(checkProductsFile(doc).problems.join()).toMatch(/"label" must be a string/);
    const versions = selectVersions(doc, DIGEST, doc.content_id, { filters: [], max: 1 }, false, 'test');
    const out = renderProducts(doc, versions, 'Thu, 24 Jul 2025 08:01:49 +0000') as Doc;
    expect(checkProductsFile(out).problems).toEqual([]);
    const product = out.products['com.ubuntu.maas.stable:v3:boot:22.04:amd64:ga-22.04'];
    expect(product.label).toBe('stable');
    expect(Object.keys(product.versions)).toEqual(['20250718']);
    expect(product.versions['20250718'].items['boot-kernel']).toMatchObject({ ftype: 'boot-kernel', kpackage: 'linux-generic', size: 11708744 });
  });

  it('lists only the kept versions and items (no phantom versions)', () => {
    const doc = ubuntu();
    const versions = selectVersions(doc, DIGEST, doc.content_id, { filters: [{ text: 'arch=arm64', key: 'arch', op: '=', value: 'arm64' }], max: 1 }, false, 'test');
    const out = renderProducts(doc, versions, 'Thu, 24 Jul 2025 08:01:49 +0000') as Doc;
    expect(Object.keys(out.products).sort()).toEqual(['com.ubuntu.maas.stable:v3:boot:22.04:arm64:ga-22.04', 'com.ubuntu.maas.stable:v3:boot:24.04:arm64:ga-24.04']);
    for (const product of Object.values(out.products) as Doc[]) expect(Object.keys(product.versions)).toHaveLength(1);
  });

  it('pretty JSON never starts a line with "-", even for values and keys that do', () => {
    const text = prettyJson({ '-key': '-value', list: ['-a', { '-b': -1 }], n: -5 });
    expect(text.split('\n').filter((line) => line.startsWith('-'))).toEqual([]);
    expect(JSON.parse(text)).toEqual({ '-key': '-value', list: ['-a', { '-b': -1 }], n: -5 });
  });
});
