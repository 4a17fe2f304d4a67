import { describe, expect, it } from 'vitest';
import { mergeSimplestreams } from './merge.js';
import type { CarriedVersion, CustomVersion, SimplestreamsCatalog } from './types.js';

const hex = (c: string): string => c.repeat(64);
const doc = (d: string, contentId: string | null, current = true) => ({ role: contentId === null ? ('index' as const) : ('products' as const), contentId, path: `streams/v1/${contentId ?? 'index'}.sjson`, digest: `sha256:${hex(d)}` as const, size: 1, signer: null, updated: 'Thu, 24 Jul 2025 08:01:49 +0000', current });
const version = (product: string, v: string, d: string, path = `${product}/${v}/squashfs`, sha = 'a', kind: CarriedVersion['kind'] = 'images'): CarriedVersion => ({
  contentId: 'cid',
  kind,
  product,
  version: v,
  document: `sha256:${hex(d)}`,
  items: [{ name: 'squashfs', ftype: 'squashfs', path, sha256: hex(sha), size: 1 }],
});
const catalog = (versions: CarriedVersion[], docs: string[], extra: Partial<SimplestreamsCatalog> = {}): SimplestreamsCatalog => ({
  version: 1,
  mirror: 'http://m/',
  keyring: null,
  insecure: true,
  max: 2,
  bootloaderMax: 1,
  documents: [doc('0', null), ...docs.map((d) => doc(d, 'cid'))],
  versions,
  custom: [],
  ...extra,
});
const names = (c: SimplestreamsCatalog): string[] => c.versions.map((v) => `${v.product} ${v.version}`);

describe('simplestreams merge (pure)', () => {
  it('keeps older versions the site holds, up to next.max, newest kept', () => {
    const previous = catalog([version('p', '20250601', '1'), version('p', '20250701', '1')], ['1']);
    const next = catalog([version('p', '20250801', '2')], ['2'], { documents: [doc('9', null), doc('2', 'cid')] });
    const merged = mergeSimplestreams(previous, next);
    expect(names(merged)).toEqual(['p 20250701', 'p 20250801']);
    expect(merged.documents.map((d) => [d.digest.slice(7, 8), d.current])).toEqual([['9', true], ['2', true], ['1', false]]);
  });

  it('drops documents no kept version needs, and the previous index', () => {
    const previous = catalog([version('p', '20250601', '1')], ['1']);
    const next = catalog([version('p', '20250701', '2'), version('p', '20250801', '2')], ['2'], { documents: [doc('9', null), doc('2', 'cid')] });
    const merged = mergeSimplestreams(previous, next);
    expect(names(merged)).toEqual(['p 20250701', 'p 20250801']);
    expect(merged.documents.map((d) => d.digest.slice(7, 8))).toEqual(['9', '2']);
  });

  it('drops products the next bundle no longer selects (narrowed filters)', () => {
    const previous = catalog([version('gone', '20250601', '1'), version('p', '20250601', '1')], ['1']);
    const next = catalog([version('p', '20250701', '2')], ['2']);
    expect(names(mergeSimplestreams(previous, next))).toEqual(['p 20250601', 'p 20250701']);
  });

  it('the same version in both comes from next', () => {
    const previous = catalog([version('p', '20250701', '1', 'x', 'b')], ['1']);
    const next = catalog([version('p', '20250701', '2', 'x', 'c')], ['2']);
    const merged = mergeSimplestreams(previous, next);
    expect(merged.versions).toHaveLength(1);
    expect(merged.versions[0]?.items[0]?.sha256).toBe(hex('c'));
  });

  it('drops an older version whose path now holds other bytes', () => {
    const previous = catalog([version('p', '20250601', '1', 'shared', 'b')], ['1']);
    const next = catalog([version('q', '20250701', '2', 'shared', 'c'), version('p', '20250701', '2')], ['2']);
    expect(names(mergeSimplestreams(previous, next))).toEqual(['p 20250701', 'q 20250701']);
  });

  it('bootloaders keep bootloaderMax, images keep max', () => {
    const previous = catalog([version('b', '1.0', '1', 'b1', 'a', 'bootloaders'), version('p', '1', '1')], ['1']);
    const next = catalog([version('b', '2.0', '2', 'b2', 'a', 'bootloaders'), version('p', '2', '2')], ['2']);
    expect(names(mergeSimplestreams(previous, next))).toEqual(['b 2.0', 'p 1', 'p 2']);
  });

  it('custom images keep their history too', () => {
    const custom = (v: string): CustomVersion => ({ product: 'c', os: 'rhel', release: '9', title: 'RHEL', arch: 'amd64', version: v, supportEol: null, items: [{ name: 'root-tgz', ftype: 'root-tgz', path: `rhel/${v}/root-tgz`, sha256: hex(v.slice(-1)), size: 1 }] });
    const merged = mergeSimplestreams(catalog([], [], { custom: [custom('20250101_000001')] }), catalog([], [], { custom: [custom('20250201_000002')], max: 1 }));
    expect(merged.custom.map((c) => c.version)).toEqual(['20250201_000002']);
    const two = mergeSimplestreams(catalog([], [], { custom: [custom('20250101_000001')] }), catalog([], [], { custom: [custom('20250201_000002')] }));
    expect(two.custom.map((c) => c.version)).toEqual(['20250101_000001', '20250201_000002']);
  });
});
