import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '@airlock/cli';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** Code blocks in these languages hold no command lines. */
const NOT_SHELL = new Set(['yaml', 'yml', 'json', 'toml', 'ini', 'ts', 'typescript', 'xml', 'html', 'go']);

interface Shown {
  file: string;
  line: number;
  text: string;
  words: string[];
  /** A synopsis (`[--opt]`, `A | B`): only the command path and option names are checked. */
  synopsis: boolean;
}

async function markdownFiles(): Promise<string[]> {
  const docs = (await readdir(join(ROOT, 'docs'))).filter((f) => f.endsWith('.md')).map((f) => join(ROOT, 'docs', f));
  const examples = (await readdir(join(ROOT, 'examples'), { recursive: true })).filter((f) => f.endsWith('README.md')).map((f) => join(ROOT, 'examples', f));
  return [join(ROOT, 'README.md'), ...docs, ...examples];
}

/** Splits one shell line into words (quotes, backslash escapes) and commands (|, &&, ;, $( )). */
function shellCommands(line: string): string[][] {
  const commands: string[][] = [[]];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  const end = (): void => {
    if (word !== null) commands[commands.length - 1]!.push(word);
    word = null;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else word = (word ?? '') + c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word = word ?? '';
    } else if (c === '\\' && i + 1 < line.length) word = (word ?? '') + line[++i];
    else if (c === '#' && word === null) break;
    else if (c === ' ' || c === '\t') end();
    else if (c === '|' || c === ';' || c === '&' || c === '(' || c === ')' || c === '`') {
      end();
      if (line[i + 1] === c) i++;
      commands.push([]);
    } else word = (word ?? '') + c;
  }
  end();
  return commands.filter((c) => c.length > 0);
}

/** Every `airlock …` command in the code blocks of README.md, docs/*.md and the examples' READMEs. */
async function shownCommands(): Promise<Shown[]> {
  const shown: Shown[] = [];
  for (const path of await markdownFiles()) {
    const lines = (await readFile(path, 'utf8')).split('\n');
    let inBlock = false;
    let shell = false;
    for (let n = 0; n < lines.length; n++) {
      const fence = /^\s*```(\S*)/.exec(lines[n]!);
      if (fence) {
        inBlock = !inBlock;
        shell = inBlock && !NOT_SHELL.has(fence[1]!.toLowerCase());
        continue;
      }
      if (!inBlock || !shell) continue;
      let text = lines[n]!;
      const first = n + 1;
      while (text.endsWith('\\') && n + 1 < lines.length) text = `${text.slice(0, -1)} ${lines[++n]!.trim()}`;
      const synopsis = /\[|\]/.test(text.replace(/#.*$/, '')) && /^\s*airlock /.test(text);
      const candidates = synopsis ? [text.replace(/#.*$/, '').trim().split(/\s+/)] : shellCommands(text.replace(/^\s*\$ /, ''));
      for (const command of candidates) {
        const start = command.findIndex((w) => !/^[A-Z_][A-Z0-9_]*=/.test(w) && w !== 'sudo');
        if (command[start] !== 'airlock') continue;
        shown.push({ file: relative(ROOT, path), line: first, text: text.trim(), words: command.slice(start + 1), synopsis });
      }
    }
  }
  return shown;
}

/** The real program with every action replaced, so parsing runs commander's checks and nothing else. */
function dryProgram(): Command {
  const program = buildProgram();
  const quiet = (command: Command): void => {
    command.exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
    if (command.commands.length === 0) command.action(() => undefined);
    command.commands.forEach(quiet);
  };
  quiet(program);
  return program;
}

function commandPath(program: Command, words: string[]): { command: Command; path: string[] } {
  let command = program;
  const path: string[] = [];
  for (const word of words) {
    if (word.startsWith('-')) continue;
    const sub = command.commands.find((c) => c.name() === word);
    if (!sub) break;
    command = sub;
    path.push(word);
  }
  return { command, path };
}

/**
 * A synopsis: its command path exists, and every --option it names belongs to the command or the
 * program. `A | B` alternatives after the first are subcommands of the same parent.
 */
function checkSynopsis(program: Command, shown: Shown): string | undefined {
  const alternatives: string[][] = [[]];
  for (const word of shown.words) {
    if (word === '|') alternatives.push([]);
    else alternatives[alternatives.length - 1]!.push(word);
  }
  const first = commandPath(program, alternatives[0]!.filter((w) => /^[a-z]/.test(w))).path;
  for (const [i, words] of alternatives.entries()) {
    const problem = checkOneSynopsis(program, i === 0 ? words : [...first.slice(0, -1), ...words]);
    if (problem) return problem;
  }
  return undefined;
}

function checkOneSynopsis(program: Command, given: string[]): string | undefined {
  const words = given.map((w) => w.replace(/^[[(]+/, '')).filter((w) => /^[a-z]/.test(w) || w.startsWith('--')).map((w) => w.replace(/[\]|.…]+$/, ''));
  const { command, path } = commandPath(program, words.filter((w) => !w.startsWith('--')));
  if (path.length === 0) return `names no airlock command (${given.join(' ')})`;
  const known = new Set([...command.options, ...program.options].map((o) => o.long));
  const candidates = [command, ...command.commands];
  for (const option of words.filter((w) => w.startsWith('--'))) {
    if (!known.has(option) && !candidates.some((c) => c.options.some((o) => o.long === option))) return `${path.join(' ')} has no option ${option}`;
  }
  return undefined;
}

function parses(shown: Shown): string | undefined {
  const program = dryProgram();
  if (shown.synopsis) return checkSynopsis(program, shown);
  const { path } = commandPath(program, shown.words);
  if (path.length === 0) return 'names no airlock command';
  try {
    program.parse(shown.words, { from: 'user' });
    return undefined;
  } catch (err) {
    if (err instanceof CommanderError && err.exitCode === 0) return undefined;
    return err instanceof Error ? err.message : String(err);
  }
}

describe('docs: every airlock command shown in README.md, docs/ and examples/ parses against the real program', async () => {
  const shown = await shownCommands();

  it('finds the commands the docs show', () => {
    expect(shown.length).toBeGreaterThan(60);
    const files = new Set(shown.map((s) => s.file));
    expect([...files]).toEqual(expect.arrayContaining(['README.md', 'docs/maas.md', 'examples/maas-airgap/README.md']));
  });

  it('each one names a real command with options it has and the arguments it needs', () => {
    const failures = shown.flatMap((s) => {
      const problem = parses(s);
      return problem ? [`${s.file}:${s.line}: ${s.text}\n    ${problem}`] : [];
    });
    expect(failures).toEqual([]);
  });

  it('catches drift: a misspelt option, an unknown command and a missing argument are refused', () => {
    const at = { file: 'x', line: 1, text: '', synopsis: false };
    expect(parses({ ...at, words: ['export', '-c', 'a.yaml', '-o', 'x', '--outdir', 'x'] })).toMatch(/unknown option '--outdir'/);
    expect(parses({ ...at, words: ['publish', 'DIR'] })).toBe('names no airlock command');
    expect(parses({ ...at, words: ['trust', 'add'] })).toMatch(/missing required argument/);
    expect(parses({ ...at, words: ['plan'] })).toMatch(/required option '-c, --config <file>'/);
    expect(parses({ ...at, synopsis: true, words: ['import', 'DIR', '[--registry-url', 'URL]'] })).toBe('import has no option --registry-url');
  });
});
