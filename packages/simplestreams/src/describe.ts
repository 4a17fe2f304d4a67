import type { DescribeContext, SourceDescription } from '@airlock/core';
import type { SimplestreamsCatalog } from './types.js';

/** Where the site page tells a MAAS region controller to keep the site keyring (an absolute path to a binary keyring, as gpgv needs). */
export const MAAS_SITE_KEYRING = '/etc/maas/airlock-site.gpg';

/** What `simplestreams/<name>/` offers: boot images and bootloaders, and the MAAS boot source that uses them. */
export function describeSimplestreams(catalog: SimplestreamsCatalog, ctx: DescribeContext): SourceDescription {
  const images = catalog.versions.filter((v) => v.kind === 'images');
  const bootloaders = catalog.versions.filter((v) => v.kind === 'bootloaders');
  const files = new Map<string, number>();
  for (const item of [...catalog.versions, ...catalog.custom].flatMap((v) => v.items)) files.set(item.path, item.size);
  const source = `{{url}}simplestreams/${ctx.sourceName}/`;
  return {
    counts: [
      { label: 'image products', value: new Set(images.map((v) => v.product)).size },
      { label: 'image versions', value: images.length },
      { label: 'bootloader products', value: new Set(bootloaders.map((v) => v.product)).size },
      ...(catalog.custom.length > 0 ? [{ label: 'custom images', value: catalog.custom.length }] : []),
      { label: 'files', value: files.size },
    ],
    bytes: [...files.values()].reduce((a, b) => a + b, 0),
    clients: [
      {
        id: 'maas-keyring',
        title: 'MAAS: fetch the site keyring',
        template: `curl -fsSLo ${MAAS_SITE_KEYRING} {{url}}keys/site.gpg`,
        note: 'As root on the region controller. MAAS (and gpgv) need an absolute path to this binary keyring; the armored site.asc does not work.',
      },
      {
        id: 'maas-boot-source',
        title: 'MAAS 3.5 – 3.7: add the boot source',
        template: `maas $PROFILE boot-sources create url=${source} keyring_filename=${MAAS_SITE_KEYRING}`,
        note: 'With the MAAS snap, a keyring_filename must be readable inside the snap: upload the key instead with keyring_data@=./airlock-site.gpg (the same file). Then add selections and run maas $PROFILE boot-resources import.',
      },
      {
        id: 'maas-3.8-boot-source',
        title: 'MAAS 3.8: the boot source with keyring_data',
        template: [
          'curl -fsSL {{url}}keys/site.gpg | base64 -w0 > airlock-site.gpg.b64',
          `printf '{"url": "%s", "keyring_data": "%s", "priority": 10}\\n' '${source}' "$(cat airlock-site.gpg.b64)" > airlock-boot-source.json`,
        ].join('\n'),
        note: "MAAS 3.8's v3 API (boot_sources) takes the keyring inline as base64 of the binary keyring; airlock-boot-source.json is the request body. Keep skip_keyring_verification false.",
      },
      {
        id: 'gpgv-check',
        title: 'gpgv: check the signed index as MAAS does',
        template: `curl -fsSLo index.sjson ${source}streams/v1/index.sjson\ngpgv --keyring ${MAAS_SITE_KEYRING} index.sjson`,
        note: 'A good signature by the site key means MAAS will accept the stream.',
      },
    ],
  };
}
