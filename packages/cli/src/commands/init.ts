import type { Command } from 'commander';
import { pathExists, writeFileAtomic } from '@airlock/core';
import { ensureSiteKey } from '@airlock/engine';
import { SITE_CONFIG_TEMPLATE, siteConfigPath } from '../config/site-config.js';
import { contextFor } from '../context.js';
import { examples } from '../help.js';

export function registerInit(program: Command): void {
  const init = program
    .command('init')
    .description('prepare an airlock home on the isolated side: create its site key, and a commented site.yaml (site settings such as the registry import pushes to) when there is none; import creates the key on first use too')
    .option('--site-name <name>', 'user id for the site key', 'airlock site')
    .action(async (opts: { siteName: string }, cmd: Command) => {
      const { output, home } = contextFor(cmd);
      const { signer, created } = await ensureSiteKey(home, opts.siteName);
      const siteConfig = siteConfigPath(home);
      const wroteConfig = !(await pathExists(siteConfig));
      if (wroteConfig) await writeFileAtomic(siteConfig, SITE_CONFIG_TEMPLATE, 0o644);
      output.result({ home: home.root, siteKey: signer.fingerprint, created, publicKey: home.sitePublicKey, siteConfig, siteConfigCreated: wroteConfig });
      output.line(`${created ? 'created' : 'existing'} site key ${signer.fingerprint}`);
      output.line(`  public key: ${home.sitePublicKey} (published as keys/site.asc and keys/site.gpg)`);
      output.line(`  site config: ${siteConfig}${wroteConfig ? ' (written: every setting commented out)' : ' (kept as it is)'}`);
    });
  examples(init, ['airlock init --site-name "site A"', 'airlock --home /srv/airlock init']);
}
