import { formatSize } from '@airlock/core';
import { colorEnabled, paint } from './color.js';

/** The only place that writes to stdout/stderr (with progress bars). */
export class Output {
  private readonly colorErr = colorEnabled(process.stderr);
  private readonly colorOut = colorEnabled(process.stdout);

  constructor(
    readonly json: boolean,
    readonly quiet: boolean,
  ) {}

  /** Human lines on stdout; suppressed by --quiet and --json. */
  line(text = ''): void {
    if (!this.quiet && !this.json) process.stdout.write(`${text}\n`);
  }

  /** A human line on stdout that is good news (colored on a terminal). */
  ok(text: string): void {
    this.line(paint(text, 'green', this.colorOut));
  }

  /** The machine-readable result of a command. */
  result(value: unknown): void {
    if (this.json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  warn(text: string): void {
    if (!this.quiet) process.stderr.write(`${paint('warning:', 'yellow', this.colorErr)} ${text}\n`);
  }

  info(text: string): void {
    if (!this.quiet && !this.json) process.stderr.write(`${text}\n`);
  }

  error(text: string): void {
    process.stderr.write(`${paint('error:', 'red', this.colorErr)} ${text}\n`);
  }

  /** A line that belongs to an error or warning above it, on stderr. */
  detail(text: string): void {
    process.stderr.write(`${text}\n`);
  }
}

export const size = formatSize;
