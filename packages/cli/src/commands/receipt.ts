import { resolve } from 'node:path';
import type { Command } from 'commander';
import { writeReceipt } from '@airlock/engine';
import { contextFor } from '../context.js';
import { examples } from '../help.js';

export function registerReceipt(program: Command): void {
  const receipt = program
    .command('receipt')
    .description("write a receipt signed by the site key: each channel's last sequence and every blob the vault holds; carry it back to the exporter (airlock export --receipt FILE --site-key site.asc)")
    .requiredOption('-o, --out <file>', 'receipt file (FILE.asc is written beside it)')
    .action(async (opts: { out: string }, cmd: Command) => {
      const { output, home } = contextFor(cmd);
      const result = await writeReceipt(home, resolve(opts.out));
      output.result(result);
      output.line(`wrote ${result.path} (+ .asc): ${result.channels} channel(s), ${result.blobs} blob(s)`);
    });
  examples(receipt, ['airlock receipt -o /media/usb/site.receipt.json']);
}
