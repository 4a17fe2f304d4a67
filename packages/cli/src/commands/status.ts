import type { Command } from 'commander';
import { rollback, siteStatus } from '@airlock/engine';
import { contextFor } from '../context.js';
import { examples } from '../help.js';

export function registerStatus(program: Command): void {
  const status = program
    .command('status')
    .description('show channels, bundles waiting for volumes, and the current publication')
    .action(async (_opts: unknown, cmd: Command) => {
      const { output, home } = contextFor(cmd);
      const status = await siteStatus(home);
      output.result(status);
      output.line(`home: ${status.home}`);
      output.line(`trusted exporter keys: ${status.trustedKeys}; vault blobs: ${status.vaultBlobs}; site key: ${status.siteKey ? 'yes' : 'not yet'}`);
      output.line(status.channels.length ? 'channels:' : 'channels: none imported yet');
      for (const c of status.channels) output.line(`  ${c.name}: sequence ${c.lastSequence} (${c.lastBundle}) at ${c.updatedAt}`);
      for (const w of status.waiting) output.line(`  waiting: ${w.id} (${w.status}) missing ${w.missing.length ? w.missing.join(', ') : 'nothing'}`);
      output.line(status.publication ? `publication: snapshot ${status.publication.snapshot} since ${status.publication.createdAt}` : 'publication: none yet');
      for (const s of status.publication?.sources ?? []) {
        const merged = s.catalog === s.bundleCatalog ? '' : ' (history merged)';
        output.line(`  ${s.type}/${s.name} [${s.channel}]: catalog ${s.catalog}${merged} from ${s.bundle} (sequence ${s.sequence})`);
      }
      if (status.publication?.sourcesError) output.line(`  sources: cannot be listed: ${status.publication.sourcesError}`);
    });

  examples(status, ['airlock status', 'airlock --json status']);

  const back = program
    .command('rollback')
    .description('switch the publication back to the previous snapshot (channel sequences stay where they are)')
    .action(async (_opts: unknown, cmd: Command) => {
      const { output, home } = contextFor(cmd);
      const result = await rollback(home);
      output.result(result);
      output.line(`publication switched from snapshot ${result.from} to ${result.to}`);
    });
  examples(back, ['airlock rollback']);
}
