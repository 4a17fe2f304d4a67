import type { Command } from 'commander';
import { AirlockError } from '@airlock/core';
import { trustAdd, trustList, trustRemove, type TrustedKey } from '@airlock/engine';
import { collect, contextFor } from '../context.js';
import { defaultRegistry } from '../drivers.js';
import { examples } from '../help.js';
import { registerTrustChannels } from './trust-channels.js';
import { registerTrustUpstream } from './trust-upstream.js';

const ADDED: Record<NonNullable<TrustedKey['status']>, string> = { added: 'trusted', present: 'already trusted', updated: 'updated' };

function validityNote(key: TrustedKey): string {
  if (key.validity === 'valid' || key.validity === undefined) return key.expires ? ` (expires ${key.expires})` : '';
  return ` (${key.validity.toUpperCase()}: its signatures are refused)`;
}

export function registerTrust(program: Command): void {
  const trust = program
    .command('trust')
    .description("manage the site's trust: exporter keys, the channels each may sign, upstream keys pinned per source, and content trust anchors (snap store roots)");
  examples(trust, ['airlock trust add exporter.pub.asc', 'airlock trust list']);
  const add = trust
    .command('add')
    .description('trust the exporter public key(s) in FILE (armored or binary), or the trust anchors in it (a snap root .assert), told apart by content; a key trusted already gets its updates (new expiry, revocation) merged')
    .argument('<file>')
    .option('--channel <name>', 'also allow the key(s) to sign this channel (repeatable); a new channel is then bound to them rather than to its first bundle', collect, [])
    .action(async (file: string, opts: { channel: string[] }, cmd: Command) => {
      const { output, home } = contextFor(cmd);
      const added = await trustAdd(home, file, defaultRegistry(), { channels: opts.channel });
      output.result(added);
      for (const k of added.keys) output.line(`${ADDED[k.status ?? 'added']} ${k.fingerprint} ${k.userIds.join(', ')}${validityNote(k)}`);
      for (const a of added.anchors) output.line(`${a.status === 'added' ? 'trusted' : 'already trusted'} ${a.kind} ${a.id} ${a.description}`);
      for (const c of added.channels ?? []) output.line(`  may sign channel ${c}`);
    });
  examples(add, ['airlock trust add exporter.pub.asc', 'airlock trust add exporter.pub.asc --channel site-a']);
  const list = trust
    .command('list')
    .description('list trusted exporter keys (with whether they can sign now) and trust anchors')
    .action(async (_opts: unknown, cmd: Command) => {
      const { output, home } = contextFor(cmd);
      const trusted = await trustList(home);
      output.result(trusted);
      if (trusted.keys.length === 0) output.line('no trusted exporter keys; add one with: airlock trust add EXPORTER.pub.asc');
      for (const k of trusted.keys) output.line(`${k.fingerprint}  ${k.userIds.join(', ')}  (added ${k.addedAt})${validityNote(k)}`);
      for (const a of trusted.anchors) output.line(`${a.kind} ${a.id}  ${a.description}  (added ${a.addedAt})`);
    });
  examples(list, ['airlock trust list']);
  const remove = trust
    .command('remove')
    .description('stop trusting the exporter key with fingerprint FPR, or the trust anchor with that id (channels bound to the key stay bound to it until rebound)')
    .argument('<fingerprint-or-id>')
    // Snap root ids are base64url and may begin with '-': take such a word as the id, not an option.
    .allowUnknownOption()
    .action(async (fingerprint: string, _opts: unknown, cmd: Command) => {
      const { output, home } = contextFor(cmd);
      if (!trustRemove(home, fingerprint)) throw new AirlockError('TRUST_UNKNOWN_KEY', `${fingerprint} is neither a trusted key nor a trust anchor (see airlock trust list)`);
      output.result({ removed: fingerprint });
      output.line(`removed ${fingerprint}`);
    });
  examples(remove, ['airlock trust remove 0123456789ABCDEF0123456789ABCDEF01234567']);
  registerTrustChannels(trust);
  registerTrustUpstream(trust);
}
