import type { Command } from 'commander';
import { AirlockError } from '@airlock/core';
import { trustAdd, trustList, trustRemove } from '@airlock/engine';
import { contextFor } from '../context.js';
import { defaultRegistry } from '../drivers.js';

export function registerTrust(program: Command): void {
  const trust = program.command('trust').description("manage the site's trust store: exporter keys and content trust anchors (snap store roots)");
  trust
    .command('add')
    .description('trust the exporter public key(s) in FILE (armored or binary), or the trust anchors in it (a snap root .assert), told apart by content')
    .argument('<file>')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const { output, home } = contextFor(cmd);
      const added = await trustAdd(home, file, defaultRegistry());
      output.result(added);
      for (const k of added.keys) output.line(`${k.status === 'added' ? 'trusted' : 'already trusted'} ${k.fingerprint} ${k.userIds.join(', ')}`);
      for (const a of added.anchors) output.line(`${a.status === 'added' ? 'trusted' : 'already trusted'} ${a.kind} ${a.id} ${a.description}`);
    });
  trust
    .command('list')
    .description('list trusted exporter keys and trust anchors')
    .action(async (_opts: unknown, cmd: Command) => {
      const { output, home } = contextFor(cmd);
      const trusted = trustList(home);
      output.result(trusted);
      if (trusted.keys.length === 0) output.line('no trusted exporter keys; add one with: airlock trust add EXPORTER.pub.asc');
      for (const k of trusted.keys) output.line(`${k.fingerprint}  ${k.userIds.join(', ')}  (added ${k.addedAt})`);
      for (const a of trusted.anchors) output.line(`${a.kind} ${a.id}  ${a.description}  (added ${a.addedAt})`);
    });
  trust
    .command('remove')
    .description('stop trusting the exporter key with fingerprint FPR, or the trust anchor with that id')
    .argument('<fingerprint-or-id>')
    .action(async (fingerprint: string, _opts: unknown, cmd: Command) => {
      const { output, home } = contextFor(cmd);
      if (!trustRemove(home, fingerprint)) throw new AirlockError('TRUST_UNKNOWN_KEY', `${fingerprint} is neither a trusted key nor a trust anchor (see airlock trust list)`);
      output.result({ removed: fingerprint });
      output.line(`removed ${fingerprint}`);
    });
}
