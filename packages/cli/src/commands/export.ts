import { resolve } from 'node:path';
import type { Command } from 'commander';
import { AirlockError, formatSize, parseSize } from '@airlock/core';
import { exportBundle, planExport, planFailure, reissueVolumes, type PlanResult, type ReceiptInput } from '@airlock/engine';
import { createFetcher } from '@airlock/fetch';
import type { Compression } from '@airlock/bundle';
import { loadConfig } from '../config/load-config.js';
import { contextFor } from '../context.js';
import { ExitError, exitCodeFor } from '../exit-codes.js';
import type { Output } from '../output.js';
import { examples } from '../help.js';

interface ExportFlags {
  config: string;
  out?: string;
  maxVolumeSize?: string;
  compression?: string;
  full?: boolean;
  receipt?: string;
  siteKey?: string;
  acceptNewSiteKey?: boolean;
  reissue?: string;
  volume?: string[];
}

function volumeOverrides(flags: ExportFlags): { maxVolumeSize?: number; compression?: Compression; full: boolean } {
  if (flags.compression !== undefined && flags.compression !== 'zstd' && flags.compression !== 'none') {
    throw new AirlockError('USAGE', '--compression must be zstd or none');
  }
  return {
    ...(flags.maxVolumeSize ? { maxVolumeSize: parseSize(flags.maxVolumeSize) } : {}),
    ...(flags.compression ? { compression: flags.compression as Compression } : {}),
    full: Boolean(flags.full),
  };
}

function withVolumeOptions(command: Command): Command {
  return command
    .requiredOption('-c, --config <file>', 'airlock.yaml')
    .option('--max-volume-size <size>', 'largest volume file, e.g. 4GiB, 700MiB (overrides volumes.maxSize)')
    .option('--compression <kind>', 'zstd or none (overrides volumes.compression)')
    .option('--full', 'ship every blob (a new base line) instead of only what the channel has not shipped yet');
}

function withReceiptOptions(command: Command): Command {
  return command
    .option('--receipt <file>', "a receipt from the site (airlock receipt): ship exactly what it lacks, incremental on what it published")
    .option('--site-key <file>', "the site's public key (keys/site.asc of its publication): pinned for the channel by its first receipt, checked against the pin after that")
    .option('--accept-new-site-key', 'the site really has a new key: re-pin the channel to --site-key');
}

function receiptInput(flags: ExportFlags): ReceiptInput | undefined {
  if (flags.siteKey && !flags.receipt) throw new AirlockError('USAGE', '--site-key verifies a --receipt: give both');
  if (flags.acceptNewSiteKey && !flags.siteKey) throw new AirlockError('USAGE', '--accept-new-site-key needs the new key: give --site-key FILE');
  if (!flags.receipt) return undefined;
  return { path: resolve(flags.receipt), ...(flags.siteKey ? { siteKey: resolve(flags.siteKey) } : {}), acceptNewSiteKey: Boolean(flags.acceptNewSiteKey) };
}

export function registerExport(program: Command): void {
  const plan = withReceiptOptions(withVolumeOptions(program.command('plan')))
    .description('resolve the sources and show what the next export would ship (against a site receipt, if given), what each volume will take, whether it fits, and what would not install offline at the site, without downloading content or writing a bundle')
    .option('-o, --out <dir>', 'the bundle directory the export would write to: its free space is checked too')
    .action(async (flags: ExportFlags, cmd: Command) => {
      const { output, progress, home, registry } = contextFor(cmd);
      const receipt = receiptInput(flags);
      const config = await loadConfig(flags.config, registry);
      const plan = await planExport({ config, registry, home, fetcher: createFetcher(), progress, ...volumeOverrides(flags), ...(flags.out ? { outDir: resolve(flags.out) } : {}), ...(receipt ? { receipt } : {}) });
      output.result(plan);
      showPlan(output, plan);
      const failure = planFailure(plan);
      if (failure) throw new ExitError(exitCodeFor(failure));
    });
  examples(plan, ['airlock plan -c airlock.yaml', 'airlock --json plan -c airlock.yaml --max-volume-size 700MiB', 'airlock plan -c airlock.yaml --receipt site.receipt.json --site-key site.asc']);

  const exporter = withReceiptOptions(withVolumeOptions(program.command('export')))
    .description('resolve the sources, then write a signed multi-volume bundle into DIR')
    .option('-o, --out <dir>', 'bundle directory (empty, or holding an interrupted export of the same bundle); with --reissue, where the replacements go (default: the bundle directory)')
    .option('--reissue <bundle-dir>', 'pack volumes of a bundle this export home made again (name them with --volume), to replace lost or damaged ones; no new bundle or sequence')
    .option('--volume <number>', 'with --reissue: a volume number to re-issue (repeat for more)', (value: string, all: string[] = []) => [...all, value])
    .action(async (flags: ExportFlags, cmd: Command) => {
      const { output, progress, home, registry } = contextFor(cmd);
      if (flags.reissue !== undefined || flags.volume !== undefined) {
        await reissue(flags, cmd);
        return;
      }
      if (!flags.out) throw new AirlockError('USAGE', 'export needs -o DIR (the bundle directory to write)');
      const receipt = receiptInput(flags);
      const config = await loadConfig(flags.config, registry);
      const result = await exportBundle({ config, registry, home, outDir: resolve(flags.out), fetcher: createFetcher(), progress, ...volumeOverrides(flags), ...(receipt ? { receipt } : {}) });
      output.result(result);
      output.line(`wrote ${result.id} (${result.base ? `incremental on ${result.base.id}` : 'full'}) to ${result.dir}`);
      if (result.receipt?.siteKey.pinned === 'now') output.line(`  pinned site key ${result.receipt.siteKey.fingerprint} for channel ${result.channel}: later receipts must be signed by it`);
      output.line(`  ${result.carried.blobs} of ${result.total.blobs} blob(s) carried, ${formatSize(result.carried.bytes)} in ${result.volumes.length} volume(s)`);
      for (const v of result.volumes) output.line(`  ${v.name}  ${formatSize(v.size)}${v.kept ? '  (kept from the interrupted run)' : ''}`);
    });
  examples(exporter, [
    'airlock export -c airlock.yaml -o /media/usb/bundle',
    'airlock export -c airlock.yaml -o /media/usb/bundle --receipt site.receipt.json --site-key site.asc',
    'airlock export -c airlock.yaml --reissue /media/usb/bundle --volume 3 -o /media/usb2',
  ]);
}

function showPlan(output: Output, plan: PlanResult): void {
  if (plan.receipt) {
    output.line(`receipt: the site published sequence ${plan.receipt.sequence} and holds ${plan.receipt.blobs} blob(s); signed by site key ${plan.receipt.siteKey.fingerprint}${plan.receipt.siteKey.pinned === 'now' ? ' (export would pin it for the channel)' : ''}`);
  }
  output.line(`${plan.id}: ${plan.base ? `incremental on ${plan.base.id}` : 'full bundle'}`);
  for (const s of plan.sources) {
    output.line(`  ${s.type}/${s.name}: ${s.artifacts} artifact(s), ${formatSize(s.bytes)}; new: ${s.newBlobs}, ${formatSize(s.newBytes)}`);
    for (const g of s.groups ?? []) output.line(`    ${g.label}: ${g.artifacts} file(s), ${formatSize(g.bytes)}; new: ${g.newBlobs}, ${formatSize(g.newBytes)}`);
  }
  output.line(`would ship ${plan.carried.blobs} blob(s), ${formatSize(plan.carried.bytes)} in ${plan.volumes} volume(s) of at most ${formatSize(plan.maxVolumeSize)} (${plan.compression}), about ${formatSize(plan.estimatedBytes)} on the media`);
  for (const v of plan.volumeSizes) {
    const bound = v.maxBytes === v.estimatedBytes ? 'exact' : `at most ${formatSize(v.maxBytes)}`;
    output.line(`  ${v.name}: ${v.entries} entries, ~${formatSize(v.estimatedBytes)} (${bound})`);
  }
  for (const c of plan.space) {
    const verdict = c.ok ? 'fits' : 'DOES NOT FIT';
    output.line(`  space on ${c.where.join(' + ')} (${c.paths.join(', ')}): needs ${formatSize(c.needed)}, ${formatSize(c.free)} free: ${verdict}`);
  }
  const warnings = plan.problems.filter((p) => p.severity === 'warning');
  const errors = plan.problems.filter((p) => p.severity === 'error');
  if (warnings.length > 0) output.line(`would not install offline at the site (${warnings.length}):`);
  for (const w of warnings) output.line(`  - ${w.source}: [${w.code}] ${w.message}`);
  for (const e of errors) output.error(`${e.source} cannot be exported: [${e.code}] ${e.message}`);
  if (plan.space.some((c) => !c.ok)) output.error('not enough free space for this export (DISK_FULL): free space where it says, or export elsewhere');
  if (errors.length > 0) output.detail('fix the sources above, then run airlock plan again');
}

async function reissue(flags: ExportFlags, cmd: Command): Promise<void> {
  const { output, progress, home, registry } = contextFor(cmd);
  if (!flags.reissue || !flags.volume?.length) throw new AirlockError('USAGE', 're-issuing needs both --reissue BUNDLE_DIR and --volume N (repeat --volume for more)');
  if (flags.receipt || flags.full || flags.compression || flags.maxVolumeSize) {
    throw new AirlockError('USAGE', '--reissue packs volumes exactly as the bundle planned them: --receipt, --full, --compression and --max-volume-size do not apply');
  }
  const volumes = flags.volume.map((v) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 1) throw new AirlockError('USAGE', `--volume takes a volume number (1, 2, …), got ${JSON.stringify(v)}`);
    return n;
  });
  const config = await loadConfig(flags.config, registry);
  const result = await reissueVolumes({ config, registry, home, bundle: resolve(flags.reissue), volumes, ...(flags.out ? { outDir: resolve(flags.out) } : {}), fetcher: createFetcher(), progress });
  output.result(result);
  output.line(`re-issued ${result.volumes.length} volume(s) of ${result.id} into ${result.dir}`);
  for (const v of result.volumes) {
    output.line(`  ${v.name}  ${formatSize(v.size)}  ${v.identical ? 'identical to the original (the signed manifest covers it)' : `differs from the original: signed statement ${v.statement} goes with it`}`);
  }
}
