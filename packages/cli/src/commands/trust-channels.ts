import type { Command } from 'commander';
import { trustChannel, trustChannels, type ChannelSigners } from '@airlock/engine';
import { collect, contextFor } from '../context.js';
import { examples } from '../help.js';
import type { Output } from '../output.js';

function show(output: Output, channel: ChannelSigners): void {
  const at = channel.lastSequence === null ? 'not imported yet' : `sequence ${channel.lastSequence}`;
  if (channel.signers.length === 0) output.line(`${channel.channel} (${at}): no signer recorded; its next bundle's signer (that of its last published bundle) binds it`);
  else output.line(`${channel.channel} (${at}):`);
  for (const s of channel.signers) output.line(`  ${s.fingerprint}  ${s.origin} since ${s.boundAt}${s.trusted ? '' : '  (NOT TRUSTED: airlock trust add it, or rebind the channel)'}`);
}

export function registerTrustChannels(trust: Command): void {
  const channels = trust
    .command('channels')
    .description('list each channel and the exporter keys allowed to sign it')
    .action(async (_opts: unknown, cmd: Command) => {
      const { output, home } = contextFor(cmd);
      const channels = trustChannels(home);
      output.result({ channels });
      if (channels.length === 0) output.line('no channels yet: a channel is bound to the key that signs its first bundle (or to keys given with trust add --channel)');
      for (const channel of channels) show(output, channel);
    });
  examples(channels, ['airlock trust channels']);
  const channel = trust
    .command('channel')
    .description('rotate: allow exactly these trusted exporter keys to sign channel NAME from now on')
    .argument('<name>')
    .requiredOption('--key <fingerprint>', 'a trusted exporter key (repeatable)', collect, [])
    .action(async (name: string, opts: { key: string[] }, cmd: Command) => {
      const { output, home } = contextFor(cmd);
      const channel = trustChannel(home, name, opts.key);
      output.result(channel);
      show(output, channel);
    });
  examples(channel, ['airlock trust channel site-a --key 0123456789ABCDEF0123456789ABCDEF01234567']);
}
