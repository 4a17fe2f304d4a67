import type { Command } from 'commander';
import { checkConfigFile } from '../config/check-config.js';
import { contextFor } from '../context.js';
import { EXIT, ExitError } from '../exit-codes.js';
import { examples } from '../help.js';

export function registerConfig(program: Command): void {
  const config = program.command('config').description('work with config files (airlock.yaml on the export side, site.yaml on the isolated side)');
  examples(config, ['airlock config check airlock.yaml']);
  const check = config
    .command('check')
    .description('validate a config without network access and list every problem at once: each field every driver checks, and every local file it refers to (signing key, keyrings, gpgkeys, trees, custom images, image lists, trusted roots, registry credentials)')
    .argument('<file>', 'an airlock.yaml, or a site.yaml (told apart by content)')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const { output, registry } = contextFor(cmd);
      const result = await checkConfigFile(file, registry);
      output.result(result);
      const what = result.kind === 'site' ? 'site config' : `config with ${result.sources.length} source(s)`;
      if (result.ok) {
        output.line(`${result.path}: OK (${what}, ${result.files} local file(s) checked)`);
        return;
      }
      output.error(`${result.path} has ${result.problems.length} problem(s):`);
      for (const p of result.problems) output.detail(`  - ${p.path || '(root)'}: ${p.message}`);
      output.detail('fix them and run airlock config check again');
      throw new ExitError(EXIT.USAGE);
    });
  examples(check, ['airlock config check airlock.yaml', 'airlock --json config check examples/maas-airgap/airlock.yaml', 'airlock config check ~/.local/share/airlock/site.yaml']);
}
