import type { Command } from 'commander';
import { checkSourceName, upstreamAccept, upstreamAdd, upstreamList, upstreamRemove } from '@airlock/engine';
import { contextFor } from '../context.js';
import { defaultRegistry } from '../drivers.js';
import { examples } from '../help.js';

export function registerTrustUpstream(trust: Command): void {
  const upstream = trust
    .command('upstream')
    .description('upstream keys the site pins per source (TYPE/NAME, e.g. apt/ubuntu): import re-verifies upstream signatures with these only');
  examples(upstream, ['airlock trust upstream list', 'airlock trust upstream accept apt/ubuntu']);
  const list = upstream
    .command('list')
    .description('list pinned and pending upstream keys, of every source or of SOURCE')
    .argument('[source]')
    .action(async (source: string | undefined, _opts: unknown, cmd: Command) => {
      const { output, home } = contextFor(cmd);
      const keys = await upstreamList(home, source === undefined ? undefined : checkSourceName(source));
      output.result({ keys });
      if (keys.length === 0) output.line(source ? `no upstream keys for ${source} yet: its first import pins what its bundle brings` : 'no upstream keys pinned yet');
      for (const k of keys) {
        const validity = k.validity === 'valid' ? '' : `, ${k.validity.toUpperCase()}`;
        output.line(`${k.source}  ${k.fingerprint}  ${k.status}${validity}  ${k.userIds.join(', ') || '(no user id)'}  [${k.purpose}]`);
      }
    });
  examples(list, ['airlock trust upstream list apt/ubuntu']);
  const accept = upstream
    .command('accept')
    .description("pin the key(s) a refused bundle offered for SOURCE (after checking them against the vendor's published fingerprint), then re-run the import")
    .argument('<source>')
    .argument('[fingerprint]', 'only this pending key')
    .action(async (source: string, fingerprint: string | undefined, _opts: unknown, cmd: Command) => {
      const { output, home } = contextFor(cmd);
      const accepted = upstreamAccept(home, checkSourceName(source), fingerprint);
      output.result({ source, accepted });
      output.line(`pinned ${accepted} key(s) for ${source}; re-run the import`);
    });
  examples(accept, ['airlock trust upstream accept apt/ubuntu']);
  const remove = upstream
    .command('remove')
    .description('forget one upstream key of SOURCE, or all of them (its next import then pins what its bundle brings)')
    .argument('<source>')
    .argument('[fingerprint]')
    .action(async (source: string, fingerprint: string | undefined, _opts: unknown, cmd: Command) => {
      const { output, home } = contextFor(cmd);
      const removed = upstreamRemove(home, checkSourceName(source), fingerprint);
      output.result({ source, removed });
      output.line(`removed ${removed} key(s) of ${source}`);
    });
  examples(remove, ['airlock trust upstream remove apt/ubuntu 0123456789ABCDEF0123456789ABCDEF01234567']);
  const add = upstream
    .command('add')
    .description("pin the upstream key(s) in FILE for SOURCE before its first import (or merge updates into a pinned key)")
    .argument('<source>')
    .argument('<file>')
    .action(async (source: string, file: string, _opts: unknown, cmd: Command) => {
      const { output, home } = contextFor(cmd);
      const keys = await upstreamAdd(home, checkSourceName(source, defaultRegistry()), file);
      output.result({ source, keys });
      for (const k of keys) output.line(`${k.status} ${k.fingerprint} ${k.userIds.join(', ')} for ${source}`);
    });
  examples(add, ['airlock trust upstream add apt/ubuntu ubuntu-archive-keyring.gpg']);
}
