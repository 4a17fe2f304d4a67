import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '@airlock/cli';
import { SiteState } from '@airlock/state';
import { tempDir } from '@airlock/test-utils';
import { airlock } from './support/cli.js';

function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((c) => [[...prefix, c.name()], ...commandPaths(c, [...prefix, c.name()])]);
}

describe('usage errors and option-like arguments', () => {
  it('regression: a usage error of a subcommand exited 1 (commander exited by itself), not the documented 2', async () => {
    const home = await tempDir();
    const leaves = commandPaths(buildProgram()).filter((path) => path.length >= 1);
    for (const path of [['import'], ['trust', 'list'], ['trust', 'upstream', 'accept'], ['serve']]) {
      expect(leaves.map((p) => p.join(' '))).toContain(path.join(' '));
      const r = await airlock(['--home', home, ...path, '--no-such-option']);
      expect(r.code, `${path.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/unknown option/);
    }
  });

  it("regression: a trust anchor id beginning with '-' (base64url) was read as an option by trust remove", async () => {
    const home = await tempDir();
    const state = SiteState.open(join(home, 'state.db'));
    state.addTrustAnchor({ kind: 'snap-root', id: '-Qx9rootKeyId', description: 'test root', data: 'type: account-key\n' });
    state.close();
    const removed = await airlock(['--home', home, '--json', 'trust', 'remove', '-Qx9rootKeyId']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(JSON.parse(removed.stdout)).toEqual({ removed: '-Qx9rootKeyId' });
    const check = SiteState.open(join(home, 'state.db'));
    expect(check.trustAnchors()).toEqual([]);
    check.close();
  });
});
