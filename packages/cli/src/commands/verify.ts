import type { Command } from 'commander';
import { verifyBundle } from '@airlock/engine';
import { collect, contextFor } from '../context.js';
import { EXIT, ExitError } from '../exit-codes.js';
import { examples } from '../help.js';

export function registerVerify(program: Command): void {
  const verify = program
    .command('verify')
    .description('check a bundle: manifest signature and every checksum of every volume present; changes nothing')
    .argument('<dir>', 'bundle directory (or the path of its manifest)')
    .option('--trust <file>', 'exporter public key to trust instead of the site trust store (repeatable)', collect, [])
    .option('--volume <file>', 'check only these volume files (repeatable)', collect, [])
    .action(async (dir: string, opts: { trust: string[]; volume: string[] }, cmd: Command) => {
      const { output, progress, home } = contextFor(cmd);
      const report = await verifyBundle({ bundle: dir, home, trustFiles: opts.trust, volumes: opts.volume, progress });
      output.result(report);
      output.line(`${report.id}: signed by ${report.signer}, channel ${report.channel}, sequence ${report.sequence}${report.base ? `, base ${report.base.id}` : ', full'}`);
      const binding = { bound: `the channel is bound to this signer`, 'first-use': 'new channel: importing binds it to this signer', 'not-checked': 'channel binding not checked (--trust)' };
      output.line(`  ${binding[report.channelBinding]}`);
      for (const v of report.volumes) output.line(`  ${v.status.padEnd(7)} ${v.name}${v.code ? `  ${v.code}: ${v.message}` : ''}`);
      if (!report.ok) throw new ExitError(EXIT.VERIFICATION);
      if (!report.complete) {
        output.line('some volumes are missing (the ones present are fine)');
        throw new ExitError(EXIT.INCOMPLETE);
      }
      output.line('bundle OK');
    });
  examples(verify, ['airlock verify /media/usb/bundle', 'airlock verify /media/usb/bundle --trust exporter.pub.asc --volume /media/usb/bundle/site-a-000001.vol-0001.tar.zst']);
}
