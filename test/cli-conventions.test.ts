import { spawn, spawnSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '@airlock/core';
import { buildProgram } from '@airlock/cli';
import { generateKey } from '@airlock/pgp';
import { requireTools, suiteDir, tempDir } from '@airlock/test-utils';
import { NEXT_STEP } from '../packages/cli/src/next-steps.js';
import { AIRLOCK_BIN, airlock, airlockJson } from './support/cli.js';
import { makeScenario } from './support/scenario.js';

/** Every command path of the real program: ['plan'], ['trust', 'upstream', 'add'], … */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((c) => [[...prefix, c.name()], ...commandPaths(c, [...prefix, c.name()])]);
}

const ESC = '\u001b[';

/** The command path an argv runs: its leading words that name (sub)commands, global options skipped. */
function commandOf(args: string[]): string[] {
  let command: Command = buildProgram();
  const path: string[] = [];
  const rest = args[0] === '--home' ? args.slice(2) : args;
  for (const word of rest) {
    const sub = command.commands.find((c) => c.name() === word);
    if (!sub) break;
    path.push(word);
    command = sub;
  }
  return path;
}

/** Runs the CLI on a pseudo-terminal (util-linux script), so stdout and stderr are TTYs. */
function onTerminal(args: string[], env: NodeJS.ProcessEnv = {}): string {
  const line = [process.execPath, AIRLOCK_BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const r = spawnSync('script', ['-qec', line, '/dev/null'], { encoding: 'utf8', env: { ...process.env, TERM: 'xterm', NO_COLOR: '', ...env } });
  return r.stdout;
}

describe('CLI conventions', () => {
  it('every command and command group has an example in its --help', async () => {
    const program = buildProgram();
    const paths = commandPaths(program);
    expect(paths.length).toBeGreaterThanOrEqual(20);
    const missing: string[] = [];
    for (const path of [[], ...paths]) {
      let command: Command = program;
      for (const name of path) command = command.commands.find((c) => c.name() === name)!;
      let help = '';
      command.configureOutput({ writeOut: (text) => void (help += text) });
      command.outputHelp();
      if (!/^Examples?:\n {2}\$ (?:[A-Z_]+=\S+ )?airlock /m.test(help)) missing.push(path.join(' ') || '(airlock)');
    }
    expect(missing).toEqual([]);
    // The same text reaches a real process.
    const real = await airlock(['trust', 'upstream', 'add', '--help']);
    expect(real.stdout).toContain('Example:\n  $ airlock trust upstream add apt/ubuntu ubuntu-archive-keyring.gpg');
  });

  it('every error code has a next step, and errors end with it', async () => {
    expect(ERROR_CODES.filter((c) => !NEXT_STEP[c])).toEqual([]);
    const run = await airlock(['verify', join(await tempDir(), 'no-such-bundle')]);
    expect(run.code).not.toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^error \[[A-Z_]+\]: /);
    expect(lines.at(-1)).toMatch(/^next: /);
    const json = await airlockJson<{ error: { code: string; next: string } }>(['verify', join(await tempDir(), 'no-such-bundle')]);
    expect(json.json.error.next).toBe(NEXT_STEP[json.json.error.code as keyof typeof NEXT_STEP]);
  });

  it.skipIf(!requireTools('script'))('colors errors on a terminal only, and never with NO_COLOR', async () => {
    const missing = join(await tempDir(), 'absent.yaml');
    const colored = onTerminal(['config', 'check', missing]);
    expect(colored).toContain('CONFIG_NOT_FOUND');
    expect(colored).toContain(ESC);
    const plain = onTerminal(['config', 'check', missing], { NO_COLOR: '1' });
    expect(plain).toContain('CONFIG_NOT_FOUND');
    expect(plain).not.toContain(ESC);
    const piped = await airlock(['config', 'check', missing]);
    expect(piped.stderr).toContain('CONFIG_NOT_FOUND');
    expect(piped.stderr).not.toContain(ESC);
  });
});

describe('--json on every command', () => {
  let s: Awaited<ReturnType<typeof makeScenario>>;
  const seen = new Set<string>();
  const json = async <T = Record<string, unknown>>(args: string[], expectedCode = 0): Promise<T> => {
    const run = await airlockJson<T>(args);
    expect(run.result.code, `${args.join(' ')}\n${run.result.stderr}`).toBe(expectedCode);
    seen.add(commandOf(args).join(' '));
    return run.json;
  };

  let dir: { path: string; remove(): Promise<void> };
  beforeAll(async () => {
    dir = await suiteDir();
    s = await makeScenario(dir.path, { bigMiB: 1, maxSize: '256KiB' });
  });
  afterAll(async () => dir?.remove());

  it('prints one parseable JSON document on stdout for each command, and status names the volumes a bundle waits for', async () => {
    const exp = ['--home', s.exportHome];
    const site = ['--home', s.siteHome];
    const keys = join(s.root, 'more-keys');
    const generated = await json<{ fingerprint: string }>(['key', 'generate', '--name', 'second', '--out', keys]);
    expect(generated.fingerprint).toMatch(/^[0-9A-F]{40}$/);
    expect((await json<{ ok: boolean }>(['config', 'check', s.config])).ok).toBe(true);
    expect((await json<{ volumes: number }>([...exp, 'plan', '-c', s.config])).volumes).toBeGreaterThan(2);
    const exported = await json<{ volumes: Array<{ name: string }> }>([...exp, 'export', '-c', s.config, '-o', s.bundle(1)]);
    expect((await json<{ ok: boolean }>([...exp, 'verify', s.bundle(1), '--trust', s.exporterPublicKey])).ok).toBe(true);
    expect((await json<{ siteKey: string }>([...site, 'init'])).siteKey).toMatch(/^[0-9A-F]{40}$/);
    expect((await json<{ keys: unknown[] }>([...site, 'trust', 'add', s.exporterPublicKey])).keys).toHaveLength(1);
    await json([...site, 'trust', 'add', join(keys, 'second.pub.asc')]);
    expect((await json<{ keys: unknown[] }>([...site, 'trust', 'list'])).keys).toHaveLength(2);
    expect((await json<{ removed: string }>([...site, 'trust', 'remove', generated.fingerprint])).removed).toBe(generated.fingerprint);

    const first = exported.volumes[0]!.name;
    const partial = await json<{ status: string; missing: string[] }>([...site, 'import', s.bundle(1), '--volume', join(s.bundle(1), first)], 4);
    expect(partial.status).toBe('incomplete');
    const waiting = await json<{ waiting: Array<{ id: string; missing: string[] }> }>([...site, 'status']);
    expect(waiting.waiting[0]?.missing).toEqual(exported.volumes.slice(1).map((v) => v.name));
    const human = await airlock([...site, 'status']);
    expect(human.stdout).toContain(`waiting: ${waiting.waiting[0]?.id} (pending) missing ${exported.volumes.slice(1).map((v) => v.name).join(', ')}`);

    expect((await json<{ status: string }>([...site, 'import', s.bundle(1)])).status).toBe('published');
    expect((await json<{ channels: unknown[] }>([...site, 'trust', 'channels'])).channels).toHaveLength(1);
    await json([...site, 'trust', 'channel', 'test-site', '--key', s.exporterFingerprint]);
    const upstreamKey = join(s.root, 'upstream.asc');
    const { writeFile } = await import('node:fs/promises');
    const upstream = await generateKey({ name: 'upstream archive' });
    await writeFile(upstreamKey, upstream.armoredPublicKey);
    expect((await json<{ keys: unknown[] }>([...site, 'trust', 'upstream', 'add', 'apt/ubuntu', upstreamKey])).keys).toHaveLength(1);
    expect((await json<{ keys: unknown[] }>([...site, 'trust', 'upstream', 'list'])).keys).toHaveLength(1);
    // Nothing pending: the error is JSON too.
    expect((await json<{ error: { code: string } }>([...site, 'trust', 'upstream', 'accept', 'apt/ubuntu'], 1)).error.code).toBe('TRUST_UNKNOWN_KEY');
    expect((await json<{ removed: number }>([...site, 'trust', 'upstream', 'remove', 'apt/ubuntu'])).removed).toBe(1);

    await json([...exp, 'export', '-c', s.config, '-o', s.bundle(2)]);
    await json([...site, 'import', s.bundle(2)]);
    expect((await json<{ from: string; to: string }>([...site, 'rollback'])).to).toBeDefined();
    expect((await json<{ path: string }>([...site, 'receipt', '-o', join(s.root, 'receipt.json')])).path).toBe(join(s.root, 'receipt.json'));

    const served = spawn(process.execPath, [AIRLOCK_BIN, ...site, '--json', 'serve', '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      served.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        try {
          resolve((JSON.parse(out) as { url: string }).url);
        } catch {
          // not the whole document yet
        }
      });
      served.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
    });
    served.kill('SIGTERM');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
    seen.add('serve');
    expect(await readdir(s.bundle(2))).not.toEqual([]);

    const every = commandPaths(buildProgram()).filter((p) => !['key', 'trust', 'config', 'trust upstream'].includes(p.join(' '))).map((p) => p.join(' '));
    expect(every.filter((p) => !seen.has(p))).toEqual([]);
  }, 600_000);
});
