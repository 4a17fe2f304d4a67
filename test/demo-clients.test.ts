import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run, tempDir } from '@airlock/test-utils';

const REPO = fileURLToPath(new URL('..', import.meta.url));

/** Runs `script` with the demo's lib.sh and clients.sh sourced, as scripts/demo.sh does. */
async function withDemoHelpers(script: string): Promise<{ status: number | null; stdout: string; rows: string[][]; dir: string }> {
  const dir = await tempDir('airlock-demo-clients-');
  await mkdir(join(dir, 'upstream'), { recursive: true });
  await mkdir(join(dir, 'clients'), { recursive: true });
  await writeFile(join(dir, 'upstream', 'upstreams.json'), JSON.stringify({ apt: { source: 'apt/example' }, skipped: { oci: 'needs umoci' } }));
  const r = run('bash', ['-c', `set -euo pipefail; root="$1"; demo="$2"; clients="$2/clients"; source scripts/demo/lib.sh; source scripts/demo/clients.sh; : >"$results"\n${script}`, 'demo', REPO, dir], { cwd: REPO });
  const rows = (await readFile(join(dir, 'clients', 'results.tsv'), 'utf8').catch(() => ''))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));
  return { status: r.status, stdout: r.stdout + r.stderr, rows, dir };
}

describe('the demo reports each client as ok, FAILED or skipped, and never stops at one', () => {
  it('records what a client got, and skips a missing client or a left-out source with the reason', async () => {
    const { status, rows } = await withDemoHelpers(
      ['good() { run true; echo "got 3 things"; }', 'consume good-client apt "sh" good', 'consume missing-client apt "no-such-tool-for-the-demo sh" good', 'consume oci-client oci "sh" good', 'echo after'].join('\n'),
    );
    expect(status).toBe(0);
    expect(rows).toEqual([
      ['good-client', 'apt/example', 'ok', 'got 3 things'],
      ['missing-client', 'apt/example', 'skipped', 'not installed: no-such-tool-for-the-demo (scripts/install-test-deps.sh)'],
      ['oci-client', 'oci', 'skipped', 'source left out: needs umoci'],
    ]);
  });

  // A tool that exits 2 (gpgv on a bad signature, diff, cmp) once read as the skip signal.
  it('a client whose command fails (exit 2 included) stops there and is FAILED with its log; a mismatch names itself; the demo goes on', async () => {
    const { status, stdout, rows, dir } = await withDemoHelpers(
      [
        'broken() { run sh -c "echo tool output; exit 2"; echo "not reached"; }',
        'differs() { [ "a" = "b" ] || fail "got a, upstream has b"; echo "not reached"; }',
        'unable() { skip "needs root"; echo "not reached"; }',
        'consume broken-client apt "" broken',
        'consume differs-client apt "" differs',
        'consume unable-client apt "" unable',
        'echo "demo went on"',
      ].join('\n'),
    );
    expect(status).toBe(0);
    expect(stdout).toContain('demo went on');
    expect(stdout).not.toContain('not reached');
    expect(rows).toEqual([
      ['broken-client', 'apt/example', 'FAILED', `exit 2; see ${join(dir, 'clients', 'broken-client.log')}`],
      ['differs-client', 'apt/example', 'FAILED', `got a, upstream has b; see ${join(dir, 'clients', 'differs-client.log')}`],
      ['unable-client', 'apt/example', 'skipped', 'needs root'],
    ]);
    expect(await readFile(join(dir, 'clients', 'broken-client.log'), 'utf8')).toContain('tool output');
  });
});
