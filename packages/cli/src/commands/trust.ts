import type { Command } from 'commander';
import { AirlockError } from '@airlock/core';
import { trustAdd, trustList, trustRemove } from '@airlock/engine';
import { contextFor } from '../context.js';

export function registerTrust(program: Command): void {
  const trust = program.command('trust').description("manage the site's trusted exporter keys");
  trust
    .command('add')
    .description('trust the exporter public key(s) in FILE (armored or binary)')
    .argument('<file>')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const { output, home } = contextFor(cmd);
      const keys = await trustAdd(home, file);
      output.result(keys);
      for (const k of keys) output.line(`${k.status === 'added' ? 'trusted' : 'already trusted'} ${k.fingerprint} ${k.userIds.join(', ')}`);
    });
  trust
    .command('list')
    .description('list trusted exporter keys')
    .action(async (_opts: unknown, cmd: Command) => {
      const { output, home } = contextFor(cmd);
      const keys = trustList(home);
      output.result(keys);
      if (keys.length === 0) output.line('no trusted keys; add one with: airlock trust add EXPORTER.pub.asc');
      for (const k of keys) output.line(`${k.fingerprint}  ${k.userIds.join(', ')}  (added ${k.addedAt})`);
    });
  trust
    .command('remove')
    .description('stop trusting the key with fingerprint FPR')
    .argument('<fingerprint>')
    .action(async (fingerprint: string, _opts: unknown, cmd: Command) => {
      const { output, home } = contextFor(cmd);
      if (!trustRemove(home, fingerprint)) throw new AirlockError('TRUST_UNKNOWN_KEY', `${fingerprint} is not in the trust store (see airlock trust list)`);
      output.result({ removed: fingerprint });
      output.line(`removed ${fingerprint}`);
    });
}
