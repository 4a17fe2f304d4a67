import type { Command } from 'commander';
import { ensureSiteKey } from '@airlock/engine';
import { contextFor } from '../context.js';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('prepare an airlock home on the isolated side and create its site key (import does this on first use too)')
    .option('--site-name <name>', 'user id for the site key', 'airlock site')
    .action(async (opts: { siteName: string }, cmd: Command) => {
      const { output, home } = contextFor(cmd);
      const { signer, created } = await ensureSiteKey(home, opts.siteName);
      output.result({ home: home.root, siteKey: signer.fingerprint, created, publicKey: home.sitePublicKey });
      output.line(`${created ? 'created' : 'existing'} site key ${signer.fingerprint}`);
      output.line(`  public key: ${home.sitePublicKey} (published as keys/site.asc and keys/site.gpg)`);
    });
}
