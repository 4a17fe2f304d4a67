import type { Command } from 'commander';
import { formatSize } from '@airlock/core';
import { importBundle } from '@airlock/engine';
import { pushPublication } from '@airlock/oci';
import { collect, contextFor } from '../context.js';
import { EXIT, ExitError } from '../exit-codes.js';

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('verify a bundle, ingest the volumes at hand into the vault, and publish once the bundle is complete')
    .argument('<dir>', 'bundle directory (or the path of its manifest)')
    .option('--volume <file>', 'ingest only these volume files (repeatable); default: every volume in DIR', collect, [])
    .option('--registry <url>', 'after publishing, push the published oci images to this registry ([http(s)://]host[:port][/prefix])')
    .option('--registry-insecure', 'use plain HTTP for --registry even when it is not a loopback address')
    .action(async (dir: string, opts: { volume: string[]; registry?: string; registryInsecure?: boolean }, cmd: Command) => {
      const { output, progress, home, registry } = contextFor(cmd);
      const result = await importBundle({ home, registry, bundle: dir, volumes: opts.volume, progress });
      const pushed = result.status === 'published' && opts.registry ? await pushPublication(`${home.publish}/current`, opts.registry, { insecure: opts.registryInsecure === true, progress }) : undefined;
      output.result(pushed ? { ...result, pushed } : result);
      output.line(`${result.id}: signed by ${result.signer}`);
      for (const v of result.volumes) output.line(`  ${v.status.padEnd(8)} ${v.name}${v.message ? `: ${v.message}` : ''}`);
      output.line(`  ${result.blobsAdded} new blob(s), ${formatSize(result.bytesAdded)} added to the vault`);
      if (result.status === 'incomplete') {
        output.line(`waiting for ${result.missing.length} volume(s): ${result.missing.join(', ')}`);
        output.line('bring them and run airlock import again; nothing was published yet');
        throw new ExitError(EXIT.INCOMPLETE);
      }
      output.line(`published snapshot ${result.publication?.snapshot} (${result.publication?.sources} source(s))`);
      if (pushed) output.line(`pushed ${pushed.repositories} repositories to ${pushed.registry}: ${pushed.blobsUploaded} blob(s) uploaded, ${pushed.blobsMounted} mounted, ${pushed.blobsPresent} already there`);
    });
}
