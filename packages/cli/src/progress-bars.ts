import { createRequire } from 'node:module';
import type CliProgress from 'cli-progress';
import { formatSize, type Progress, type ProgressTask, type ProgressUnit } from '@airlock/core';
import type { Output } from './output.js';

/**
 * Progress as bars on an interactive terminal; elsewhere (pipes, CI, --json) only phase lines on
 * stderr, so logs stay readable.
 */
export function createProgress(output: Output): Progress {
  const interactive = Boolean(process.stderr.isTTY) && !output.json && !output.quiet;
  return {
    task: (label, total, unit) => (interactive ? barTask(label, total, unit) : quietTask()),
    warn: (message) => output.warn(message),
    info: (message) => output.info(message),
  };
}

function quietTask(): ProgressTask {
  return { advance: () => undefined, done: () => undefined };
}

function barTask(label: string, total: number | undefined, unit: ProgressUnit): ProgressTask {
  const format = (value: number): string => (unit === 'bytes' ? formatSize(value) : String(value));
  // Loaded only when a bar is drawn (on a terminal), not at start-up.
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof CliProgress;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label.padEnd(32).slice(0, 32)} [{bar}] {percentage}% {done}/{all} {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let done = 0;
  const all = total ?? 0;
  bar.start(Math.max(all, 1), 0, { done: format(0), all: total === undefined ? '?' : format(all) });
  return {
    advance(amount) {
      done += amount;
      bar.update(Math.min(done, Math.max(all, 1)), { done: format(done) });
    },
    done() {
      bar.stop();
    },
  };
}
