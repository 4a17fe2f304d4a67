import { formatSize } from '@airlock/core';

/** The only place that writes to stdout/stderr (with progress bars). */
export class Output {
  constructor(
    readonly json: boolean,
    readonly quiet: boolean,
  ) {}

  /** Human lines on stdout; suppressed by --quiet and --json. */
  line(text = ''): void {
    if (!this.quiet && !this.json) process.stdout.write(`${text}\n`);
  }

  /** The machine-readable result of a command. */
  result(value: unknown): void {
    if (this.json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  warn(text: string): void {
    if (!this.quiet) process.stderr.write(`warning: ${text}\n`);
  }

  info(text: string): void {
    if (!this.quiet && !this.json) process.stderr.write(`${text}\n`);
  }

  error(text: string): void {
    process.stderr.write(`error: ${text}\n`);
  }
}

export const size = formatSize;
