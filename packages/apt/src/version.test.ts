import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { requireTools } from '@airlock/test-utils';
import { compareDebVersions, satisfiesVersion } from './version.js';

/** Tricky pieces: epochs, `~` (before everything, even the end), letters vs symbols, leading zeros, revisions. */
const PARTS = ['0', '1', '01', '1.0', '1.0~rc1', '1.0~~', '1.0~', '1.0+b1', '1.0a', '1.0.0', '1:0.9', '2:0', '1.0-1', '1.0-1~bpo1', '1.0-1ubuntu0.1', '1.0-0', '1.0-1.1', '1.0+dfsg-2', '1.0-a', '1.0-+', '10', '9.99', 'a', '1.0-1build1', '0:1.0', '1.2.3~beta.4-5+deb12u1', '1~', '1~a', '1.-1', '1-1-1'];

/** dpkg's own answer for a batch of pairs: one shell call, `<`, `=` or `>` per line. */
function dpkgOrder(pairs: Array<[string, string]>): string[] {
  const script = pairs.map(([a, b]) => `if dpkg --compare-versions '${a}' lt '${b}'; then echo '<'; elif dpkg --compare-versions '${a}' eq '${b}'; then echo '='; else echo '>'; fi`).join('\n');
  const r = spawnSync('sh', ['-s'], { input: script, encoding: 'utf8', maxBuffer: 1 << 24 });
  return r.stdout.trim().split('\n');
}

describe('dpkg version ordering', () => {
  it('orders known cases', () => {
    expect(compareDebVersions('1.0~rc1', '1.0')).toBeLessThan(0);
    expect(compareDebVersions('1:0.9', '1.2')).toBeGreaterThan(0);
    expect(compareDebVersions('1.0a', '1.0+')).toBeLessThan(0);
    expect(compareDebVersions('0:1.0', '1.0')).toBe(0);
    expect(compareDebVersions('1.01', '1.1')).toBe(0);
    expect(satisfiesVersion('1.2-1', '>=', '1.2')).toBe(true);
    expect(satisfiesVersion('1.2-1', '>>', '1.2-1')).toBe(false);
    expect(satisfiesVersion('1.1', '<<', '1.2')).toBe(true);
  });

  it.skipIf(!requireTools('dpkg'))('agrees with dpkg --compare-versions on every pair of a generated table', () => {
    const pairs: Array<[string, string]> = [];
    for (const a of PARTS) for (const b of PARTS) pairs.push([a, b]);
    const expected = dpkgOrder(pairs);
    const actual = pairs.map(([a, b]) => {
      const c = compareDebVersions(a, b);
      return c < 0 ? '<' : c > 0 ? '>' : '=';
    });
    const disagreements = pairs.flatMap(([a, b], i) => (expected[i] === actual[i] ? [] : [`${a} ${actual[i]} ${b} (dpkg: ${expected[i]})`]));
    expect(disagreements).toEqual([]);
    expect(expected).toHaveLength(PARTS.length * PARTS.length);
  });
});
