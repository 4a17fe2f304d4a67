import type { Command } from 'commander';

/** Adds an "Example:" section to a command's --help; every command has one (a test checks). */
export function examples(command: Command, lines: string[]): Command {
  const heading = lines.length === 1 ? 'Example:' : 'Examples:';
  return command.addHelpText('after', `\n${heading}\n${lines.map((l) => `  $ ${l}`).join('\n')}`);
}
