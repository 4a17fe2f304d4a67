import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatSize } from '@airlock/core';
import { importBundle } from '@airlock/engine';
import { pushPublication, type PushOptions } from '@airlock/oci';
import { credentialsFromEnv, loadSiteConfig, type SiteConfig } from '../config/site-config.js';
import { collect, contextFor } from '../context.js';
import { EXIT, ExitError } from '../exit-codes.js';
import { examples } from '../help.js';

interface ImportFlags {
  volume: string[];
  registry?: string;
  registryInsecure?: boolean;
  registryAuth?: string;
  siteConfig?: string;
}

/**
 * Where to push: --registry overrides the site config's publish.registry. The config's
 * credentials go only to the config's own registry, never to one named on the command line.
 */
function pushTarget(flags: ImportFlags, site: SiteConfig): { url: string; options: Omit<PushOptions, 'progress'> } | undefined {
  if (flags.registry) {
    return { url: flags.registry, options: { insecure: flags.registryInsecure === true, ...(flags.registryAuth ? { authFile: resolve(flags.registryAuth) } : {}) } };
  }
  const target = site.publish.registry;
  if (!target) return undefined;
  const credentials = target.credentials;
  const auth = credentials === undefined ? {} : 'file' in credentials ? { authFile: credentials.file } : { credentials: credentialsFromEnv(credentials.env) };
  return { url: target.url, options: { insecure: target.insecure || flags.registryInsecure === true, ...auth } };
}

export function registerImport(program: Command): void {
  const command = program
    .command('import')
    .description('verify a bundle, ingest the volumes at hand into the vault, and publish once the bundle is complete; then push the oci images to the registry of the site config (publish.registry) or --registry')
    .argument('<dir>', 'bundle directory (or the path of its manifest)')
    .option('--volume <file>', 'ingest only these volume files (repeatable); default: every volume in DIR', collect, [])
    .option('--site-config <file>', 'site settings (publish.registry); default: site.yaml in the airlock home, when it exists')
    .option('--registry <url>', 'after publishing, push the published oci images to this registry ([http(s)://]host[:port][/prefix]); overrides publish.registry')
    .option('--registry-insecure', 'use plain HTTP for the registry even when it is not a loopback address')
    .option('--registry-auth <file>', 'docker/podman auth.json with credentials for --registry')
    .action(async (dir: string, opts: ImportFlags, cmd: Command) => {
      const { output, progress, home, registry } = contextFor(cmd);
      const site = await loadSiteConfig(home, opts.siteConfig);
      const target = pushTarget(opts, site);
      const result = await importBundle({ home, registry, bundle: dir, volumes: opts.volume, progress });
      const pushed = result.status === 'published' && target ? await pushPublication(`${home.publish}/current`, target.url, { ...target.options, progress }) : undefined;
      output.result(pushed ? { ...result, pushed } : result);
      output.line(`${result.id}: signed by ${result.signer}`);
      for (const v of result.volumes) output.line(`  ${v.status.padEnd(8)} ${v.name}${v.message ? `: ${v.message}` : ''}`);
      output.line(`  ${result.blobsAdded} new blob(s), ${formatSize(result.bytesAdded)} added to the vault`);
      if (result.status === 'incomplete') {
        output.line(`waiting for ${result.missing.length} volume(s): ${result.missing.join(', ')}`);
        output.line('bring them and run airlock import again; nothing was published yet');
        throw new ExitError(EXIT.INCOMPLETE);
      }
      output.ok(`published snapshot ${result.publication?.snapshot} (${result.publication?.sources} source(s))`);
      if (pushed) output.line(`pushed ${pushed.repositories} repositories to ${pushed.registry}: ${pushed.blobsUploaded} blob(s) uploaded, ${pushed.blobsMounted} mounted, ${pushed.blobsPresent} already there`);
    });
  examples(command, [
    'airlock import /media/usb/bundle',
    'airlock import /media/usb/bundle --volume /media/usb/bundle/site-a-000001.vol-0002.tar.zst',
    'airlock import /media/usb/bundle --registry registry.site.example:5000/airlock --registry-auth /etc/airlock/registry-auth.json',
  ]);
}
