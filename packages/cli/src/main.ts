import { CommanderError, type Command } from 'commander';
import { isAirlockError } from '@airlock/core';
import { colorEnabled, paint } from './color.js';
import { EXIT, ExitError, exitCodeFor } from './exit-codes.js';
import { NEXT_STEP } from './next-steps.js';
import { buildProgram } from './program.js';

/** The only place that ends the process: every error becomes a message, a next step and a stable exit code. */
async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  overrideExits(program);
  const json = argv.includes('--json');
  const color = colorEnabled(process.stderr);
  try {
    await program.parseAsync(argv);
    return EXIT.OK;
  } catch (err) {
    if (err instanceof ExitError) return err.exitCode;
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    if (isAirlockError(err)) {
      const next = NEXT_STEP[err.code];
      if (json) process.stdout.write(`${JSON.stringify({ error: { code: err.code, message: err.message, next, details: err.details } }, null, 2)}\n`);
      process.stderr.write(`${paint(`error [${err.code}]:`, 'red', color)} ${err.message}\n${paint('next:', 'bold', color)} ${next}\n`);
      return exitCodeFor(err.code);
    }
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`airlock hit an unexpected error; please report it with this output:\n${detail}\n`);
    return EXIT.FAILURE;
  }
}

/** Subcommands copy settings only when created, so every command is told not to exit by itself: usage errors exit 2. */
function overrideExits(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) overrideExits(sub);
}

process.exit(await main(process.argv));
