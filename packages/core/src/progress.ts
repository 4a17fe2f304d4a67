/**
 * Library code reports progress through this interface and never prints. The CLI renders it as
 * progress bars on a TTY, and drops or logs it otherwise.
 */
export interface ProgressTask {
  advance(amount: number): void;
  done(): void;
}

export type ProgressUnit = 'bytes' | 'items';

export interface Progress {
  task(label: string, total: number | undefined, unit: ProgressUnit): ProgressTask;
  /** A notice worth showing the operator (skipped items, fallbacks). */
  warn(message: string): void;
  /** A line of narration (phase changes). */
  info(message: string): void;
}

const noTask: ProgressTask = { advance: () => undefined, done: () => undefined };

export const silentProgress: Progress = {
  task: () => noTask,
  warn: () => undefined,
  info: () => undefined,
};
