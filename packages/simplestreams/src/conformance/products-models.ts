import { downloadableItem, entries, Findings, optionalString, requireString, supportDate, type Obj } from './fields.js';

/** The three shapes MAAS 3.8 models a products file as (maasservicelayer/simplestreams/models.py). */
export type ProductsShape = 'bootloader' | 'multi-file' | 'single-file';

const BOOTLOADER_FILES = ['grub2-signed', 'shim-signed', 'grub2', 'syslinux'];

/** Fields of `Product`: arch, label, os (strings) and a non-empty versions object. */
function product(name: string, p: Obj, out: Findings): Array<[string, Obj]> {
  const at = `product ${name}`;
  for (const key of ['arch', 'label', 'os']) requireString(p, key, at, out);
  // The model is built as Product(product_name=name, **product): a duplicate keyword is a TypeError
  // that escapes the factory and stops the whole sync.
  if ('product_name' in p) out.add(at, '"product_name" must not be a field (it collides with the product key)');
  const versions = entries(p, 'versions', at, out);
  for (const [version, v] of versions) if ('version_name' in v) out.add(`${at} ${version}`, '"version_name" must not be a field');
  return versions;
}

/** The fields of a version after MAAS unpacks `items` into it. */
function unpacked(v: Obj): Obj {
  const items = v.items;
  return items !== null && typeof items === 'object' && !Array.isArray(items) ? { ...v, ...(items as Obj) } : v;
}

function file(v: Obj, key: string, at: string, out: Findings, required: boolean, bootloader: boolean): boolean {
  const value = v[key];
  if (value === undefined || value === null) {
    if (required) out.add(at, `item "${key}" is required`);
    return false;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    out.add(at, `item "${key}" must be an object`);
    return false;
  }
  const item = value as Obj;
  const where = `${at} ${key}`;
  downloadableItem(item, where, out);
  if (bootloader) for (const field of ['src_package', 'src_release', 'src_version']) requireString(item, field, where, out);
  else optionalString(item, 'kpackage', where, out);
  return true;
}

function imageProduct(name: string, p: Obj, out: Findings): Array<[string, Obj]> {
  const versions = product(name, p, out);
  const at = `product ${name}`;
  for (const key of ['release', 'release_title', 'subarch', 'subarches', 'version']) requireString(p, key, at, out);
  supportDate(p, 'support_eol', at, out, true);
  return versions;
}

export const MODELS: Record<ProductsShape, (name: string, p: Obj, out: Findings) => void> = {
  bootloader(name, p, out) {
    const versions = product(name, p, out);
    requireString(p, 'arches', `product ${name}`, out);
    requireString(p, 'bootloader-type', `product ${name}`, out);
    for (const [version, raw] of versions) {
      const v = unpacked(raw);
      const at = `product ${name} ${version}`;
      const present = BOOTLOADER_FILES.map((key) => file(v, key, at, out, false, true));
      if (!present.some(Boolean)) out.add(at, `needs at least one of the items ${BOOTLOADER_FILES.join(', ')}`);
    }
  },
  'multi-file'(name, p, out) {
    const versions = imageProduct(name, p, out);
    for (const key of ['kflavor', 'krel', 'release_codename']) requireString(p, key, `product ${name}`, out);
    for (const [version, raw] of versions) {
      const v = unpacked(raw);
      const at = `product ${name} ${version}`;
      supportDate(v, 'support_eol', at, out, false);
      supportDate(v, 'support_esm_eol', at, out, false);
      for (const key of ['boot-initrd', 'boot-kernel', 'manifest']) file(v, key, at, out, true, false);
      const roots = ['squashfs', 'root-image.gz'].map((key) => file(v, key, at, out, false, false));
      if (!roots.some(Boolean)) out.add(at, 'needs a "squashfs" or a "root-image.gz" item');
    }
  },
  'single-file'(name, p, out) {
    const versions = imageProduct(name, p, out);
    for (const [version, raw] of versions) {
      const v = unpacked(raw);
      const at = `product ${name} ${version}`;
      file(v, 'manifest', at, out, true, false);
      file(v, 'root-tgz', at, out, true, false);
    }
  },
};
