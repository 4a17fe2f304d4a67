import type { Command } from 'commander';
import type { Progress } from '@airlock/core';
import type { AirlockHome, DriverRegistry } from '@airlock/engine';
import { defaultRegistry } from './drivers.js';
import { resolveHome } from './home.js';
import { Output } from './output.js';
import { createProgress } from './progress-bars.js';

export interface CommandContext {
  output: Output;
  progress: Progress;
  home: AirlockHome;
  registry: DriverRegistry;
}

export interface GlobalOptions {
  home?: string;
  quiet?: boolean;
  json?: boolean;
}

export function contextFor(command: Command): CommandContext {
  const globals = command.optsWithGlobals<GlobalOptions>();
  const output = new Output(Boolean(globals.json), Boolean(globals.quiet));
  return { output, progress: createProgress(output), home: resolveHome(globals.home), registry: defaultRegistry() };
}

/** Collects a repeatable option (--trust A --trust B). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
