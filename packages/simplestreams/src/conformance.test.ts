import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkIndexFile } from './conformance/index-file.js';
import { checkProductsFile } from './conformance/products-file.js';

type Doc = Record<string, any>;
const data = (name: string): Doc => JSON.parse(readFileSync(new URL(`../test-data/${name}`, import.meta.url), 'utf8')) as Doc;
const ubuntu = (): Doc => data('simplestreams_ubuntu.json');
const centos = (): Doc => data('simplestreams_centos.json');
const bootloaders = (): Doc => data('simplestreams_bootloaders.json');
const firstProduct = (doc: Doc): Doc => Object.values(doc.products)[0] as Doc;
const firstVersion = (doc: Doc): Doc => Object.values(firstProduct(doc).versions)[0] as Doc;

function expectRejected(doc: unknown, pattern: RegExp): void {
  const report = checkProductsFile(doc);
  expect(report.shape).toBeUndefined();
  expect(report.problems.join('\n')).toMatch(pattern);
}

describe('conformance: real images.maas.io documents (MAAS test fixtures) are accepted', () => {
  it.each([
    ['simplestreams_ubuntu.json', 'multi-file'],
    ['simplestreams_bootloaders.json', 'bootloader'],
    ['simplestreams_centos.json', 'single-file'],
  ])('%s parses as %s with no problems', (name, shape) => {
    const report = checkProductsFile(data(name));
    expect(report.problems).toEqual([]);
    expect(report.shape).toBe(shape);
  });

  it('the real index passes as an unsigned index (paths end in .json)', () => {
    const report = checkIndexFile(data('simplestreams_index.json'), { signed: false });
    expect(report.problems).toEqual([]);
    expect([...report.entries.keys()].sort()).toEqual(['com.ubuntu.maas:stable:1:bootloader-download', 'com.ubuntu.maas:stable:centos-bases-download', 'com.ubuntu.maas:stable:v3:download']);
  });

  it('the real bootloaders file names the one product MAAS 3.8 does not import (pxelinux for amd64)', () => {
    expect(checkProductsFile(bootloaders()).ignored).toEqual(['com.ubuntu.maas.stable:1:pxelinux:pxe:amd64: MAAS has no bootloader pxelinux/pxe for amd64']);
  });
});

describe('conformance: variants MAAS 3.8 or sstream-mirror rejects', () => {
  it('a file mixing Ubuntu and CentOS products', () => {
    const doc = ubuntu();
    Object.assign(doc.products, centos().products);
    expectRejected(doc, /fits none of MAAS 3.8's models/);
  });

  it('a single-file product without a manifest item', () => {
    const doc = centos();
    delete firstVersion(doc).items.manifest;
    expectRejected(doc, /item "manifest" is required/);
  });

  it('a single-file item keyed root-dd.gz instead of root-tgz', () => {
    const doc = centos();
    const items = firstVersion(doc).items;
    items['root-dd.gz'] = { ...items['root-tgz'], ftype: 'root-dd.gz' };
    delete items['root-tgz'];
    expectRejected(doc, /item "root-tgz" is required/);
  });

  it('an ftype inherited from product level (condensed, not expanded)', () => {
    const doc = ubuntu();
    const product = firstProduct(doc);
    product.ftype = 'squashfs';
    for (const version of Object.values(product.versions) as Doc[]) for (const item of Object.values(version.items) as Doc[]) delete item.ftype;
    expectRejected(doc, /"ftype" must be a string \(missing\)/);
  });

  it('a products file without updated', () => {
    const doc = ubuntu();
    delete doc.updated;
    expectRejected(doc, /"updated" must be an RFC 2822 date/);
  });

  it('an empty products file (MAAS 3.8 then refuses the whole sync)', () => {
    const doc = ubuntu();
    doc.products = {};
    expectRejected(doc, /"products" must be a non-empty object/);
  });

  it('a product with no versions', () => {
    const doc = bootloaders();
    firstProduct(doc).versions = {};
    expectRejected(doc, /"versions" must be a non-empty object/);
  });

  it('a datatype MAAS does not model', () => {
    const doc = centos();
    doc.datatype = 'release-notifications';
    expectRejected(doc, /"datatype" must be image-ids or image-downloads/);
  });

  it('an item without an integer size (python checksumming reader)', () => {
    const doc = ubuntu();
    firstVersion(doc).items.squashfs.size = '455462912';
    expectRejected(doc, /"size" must be a whole number/);
  });

  it('an item without a sha256', () => {
    const doc = bootloaders();
    delete firstVersion(doc).items['shim-signed'].sha256;
    expectRejected(doc, /"sha256" must be 64 lowercase hex/);
  });

  it('an item path that climbs out of the mirror', () => {
    const doc = centos();
    firstVersion(doc).items['root-tgz'].path = '../../etc/passwd';
    expectRejected(doc, /"path" has an empty, "\." or "\.\." segment/);
  });

  it('an absolute item path', () => {
    const doc = centos();
    firstVersion(doc).items.manifest.path = '/etc/shadow';
    expectRejected(doc, /"path" is absolute/);
  });

  it('a multi-file version without squashfs or root-image.gz', () => {
    const doc = ubuntu();
    delete firstVersion(doc).items.squashfs;
    expectRejected(doc, /needs a "squashfs" or a "root-image.gz" item/);
  });

  it('a bootloader version with none of grub2-signed, shim-signed, grub2, syslinux', () => {
    const doc = bootloaders();
    const items = firstVersion(doc).items;
    items.other = { ...items['shim-signed'] };
    delete items['shim-signed'];
    delete items['grub2-signed'];
    expectRejected(doc, /needs at least one of the items/);
  });

  it('a bootloader item without src_package', () => {
    const doc = bootloaders();
    delete firstVersion(doc).items['grub2-signed'].src_package;
    expectRejected(doc, /"src_package" must be a string/);
  });

  it('an image product without support_eol (required, may be null)', () => {
    const doc = centos();
    delete firstProduct(doc).support_eol;
    expectRejected(doc, /"support_eol" is required/);
  });

  it('a product field that collides with the product key (product_name)', () => {
    const doc = centos();
    firstProduct(doc).product_name = 'x';
    expectRejected(doc, /"product_name" must not be a field/);
  });

  it('a version number given as a JSON number where MAAS wants a string', () => {
    const doc = centos();
    firstProduct(doc).version = 8;
    expectRejected(doc, /"version" must be a string/);
  });

  it('a multi-file product whose name lacks :v3: is accepted but ignored by MAAS', () => {
    const doc = ubuntu();
    const [name, product] = Object.entries(doc.products)[0] as [string, Doc];
    doc.products = { [name.replace(':v3:', ':v9:')]: product };
    const report = checkProductsFile(doc);
    expect(report.problems).toEqual([]);
    expect(report.ignored.join()).toMatch(/must contain :v2:, :v3: or :v3\+platform:/);
  });
});

describe('conformance: index variants', () => {
  it('a signed index whose paths end in .json (python reads every path signed)', () => {
    expect(checkIndexFile(data('simplestreams_index.json'), { signed: true }).problems.join()).toMatch(/must end in \.sjson/);
  });

  it.each(['path', 'updated', 'products'])('an index entry without %s', (key) => {
    const index = data('simplestreams_index.json');
    delete index.index['com.ubuntu.maas:stable:v3:download'][key];
    expect(checkIndexFile(index, { signed: false }).problems.length).toBeGreaterThan(0);
  });

  it('an index without its top-level updated', () => {
    const index = data('simplestreams_index.json');
    delete index.updated;
    expect(checkIndexFile(index, { signed: false }).problems.join()).toMatch(/"updated"/);
  });

  it('an index entry that is not products:1.0 (python does not follow it)', () => {
    const index = data('simplestreams_index.json');
    index.index['com.ubuntu.maas:stable:v3:download'].format = 'index:1.0';
    expect(checkIndexFile(index, { signed: false }).problems.join()).toMatch(/"format" must be "products:1.0"/);
  });
});
