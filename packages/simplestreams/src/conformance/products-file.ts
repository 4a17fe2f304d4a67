import { isRecord } from '@airlock/core';
import { downloadableItem, entries, Findings, requireString, updatedField, type Obj } from './fields.js';
import { MODELS, type ProductsShape } from './products-models.js';

export interface ProductsReport {
  /** The MAAS 3.8 model the file parses as; undefined when MAAS 3.8 would refuse it (and with it the whole sync). */
  shape: ProductsShape | undefined;
  /** Why a client refuses the file; empty when both MAAS 3.8 and python simplestreams accept it. */
  problems: string[];
  /** Products the file may carry but MAAS 3.8 never imports (it skips them silently). */
  ignored: string[];
}

const DATATYPES = ['image-ids', 'image-downloads'];
const SHAPES: ProductsShape[] = ['bootloader', 'multi-file', 'single-file'];
// services/image_sync.py: which products MAAS 3.8 imports at all.
const UBUNTU_NAME = /:v([23]|3\+platform):/i;
const BOOTLOADER_NAME = /:1:/i;
const SUPPORTED_BOOTLOADERS: Record<string, Array<[os: string, arch: string]>> = {
  pxe: [['pxelinux', 'i386']],
  uefi: [
    ['grub-efi-signed', 'amd64'],
    ['grub-efi', 'arm64'],
  ],
  'open-firmware': [['grub-ieee1275', 'ppc64el']],
};

/**
 * Checks a products file (`products:1.0`) against what MAAS 3.8's strict model
 * (SimpleStreamsProductListFactory: the whole file must fit one of three models) and python
 * simplestreams (every item has a size and a checksum, safe paths) require. Input is parsed JSON.
 */
export function checkProductsFile(data: unknown): ProductsReport {
  const top = new Findings();
  if (!isRecord(data)) return { shape: undefined, problems: ['(root): must be a JSON object'], ignored: [] };
  requireString(data, 'content_id', '(root)', top);
  if (!DATATYPES.includes(data.datatype as string)) top.add('(root)', `"datatype" must be ${DATATYPES.join(' or ')}`);
  if (data.format !== undefined && data.format !== 'products:1.0') top.add('(root)', '"format" must be "products:1.0"');
  updatedField(data, '(root)', top);
  const products = entries(data, 'products', '(root)', top);
  checkItems(products, top);

  const byShape = SHAPES.map((shape) => {
    const out = new Findings();
    for (const [name, p] of products) MODELS[shape](name, p, out);
    return { shape, out };
  });
  const fits = byShape.filter((s) => s.out.empty);
  const shape = fits.length > 0 && products.length > 0 ? fits[fits.length - 1]?.shape : undefined;
  const problems = [...top.lines];
  if (shape === undefined && products.length > 0) {
    const closest = byShape.find((s) => s.shape === likelyShape(products)) ?? byShape[1]!;
    problems.push(`the file fits none of MAAS 3.8's models (bootloader, multi-file, single-file); as ${closest.shape}:`, ...closest.out.lines);
  }
  return { shape: problems.length === 0 ? shape : undefined, problems, ignored: shape === undefined ? [] : ignoredProducts(shape, products) };
}

/** python simplestreams checks every item, whatever MAAS models. */
function checkItems(products: Array<[string, Obj]>, out: Findings): void {
  for (const [name, p] of products) {
    const versions = isRecord(p.versions) ? Object.entries(p.versions) : [];
    for (const [version, v] of versions) {
      if (!isRecord(v)) continue;
      const items = entries(v, 'items', `product ${name} ${version}`, out);
      for (const [item, body] of items) downloadableItem(body, `product ${name} ${version} ${item}`, out);
    }
  }
}

function likelyShape(products: Array<[string, Obj]>): ProductsShape {
  if (products.some(([, p]) => 'bootloader-type' in p)) return 'bootloader';
  const versionHas = (key: string): boolean =>
    products.some(([, p]) => isRecord(p.versions) && Object.values(p.versions).some((v) => isRecord(v) && isRecord(v.items) && key in v.items));
  return versionHas('root-tgz') && !versionHas('boot-kernel') ? 'single-file' : 'multi-file';
}

function ignoredProducts(shape: ProductsShape, products: Array<[string, Obj]>): string[] {
  const ignored: string[] = [];
  for (const [name, p] of products) {
    if (shape === 'multi-file' && !UBUNTU_NAME.test(name)) ignored.push(`${name}: a multi-file product's name must contain :v2:, :v3: or :v3+platform:`);
    if (shape === 'bootloader') {
      const supported = SUPPORTED_BOOTLOADERS[p['bootloader-type'] as string] ?? [];
      if (!BOOTLOADER_NAME.test(name)) ignored.push(`${name}: a bootloader product's name must contain :1:`);
      else if (!supported.some(([os, arch]) => os === p.os && arch === p.arch)) ignored.push(`${name}: MAAS has no bootloader ${String(p.os)}/${String(p['bootloader-type'])} for ${String(p.arch)}`);
    }
  }
  return ignored;
}
