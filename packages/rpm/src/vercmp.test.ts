import { describe, expect, it } from 'vitest';
import { requireTools, run } from '@airlock/test-utils';
import { compareEvr, parseEvr, rpmvercmp } from './vercmp.js';

// Versions only ('-' is EVR syntax, which rpm.vercmp would split into a release; EVRS covers that).
const TRICKY = [
  '1.0', '1.0.0', '1.0~rc1', '1.0~rc2', '1.0~~', '1.0~', '1.0^', '1.0^git1', '1.0^git2', '1.0^git1~pre', '1.0.1', '1.0a', '1.0.a',
  '1.00', '1.01', '1.1', '2', '2.0', '10', '9', '1_0', '1+0', 'a', 'b', 'A', '1.0b1', '1.0B1', '1..0', '001', '1a0', 'alpha', 'beta',
  '5.5p1', '5.5p10', '5.6p1', '2.4.0', '2.4.0~beta', '0.9.8', '0.9.8a', '20251231', '0', '~', '^', '1~^', '1^~',
];
const EVRS = ['1:1.0-1', '2.0-1', '0:2.0-1', '1:1.0', '1:1.0-2', '1.0-1.el9', '1.0-1.el9_1', '1.0-1~rc', '3:0.1-0', '2:1.0^git1-1'];

function pairs(values: string[]): Array<[string, string]> {
  return values.flatMap((a) => values.map((b): [string, string] => [a, b]));
}

/** Asks the real rpm for every pair in one process: rpm.vercmp compares [epoch:]version[-release]. */
function realRpm(table: Array<[string, string]>): number[] {
  const lua = `%{lua: ${table.map(([a, b]) => `print(rpm.vercmp("${a}", "${b}") .. ";")`).join(' ')}}`;
  const result = run('rpm', ['--eval', lua]);
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.trim().split(';').filter((s) => s !== '').map(Number);
}

describe('rpmvercmp', () => {
  it('orders ~ before the end, ^ after the end but before more segments, digits after letters', () => {
    expect(rpmvercmp('1.0~rc1', '1.0')).toBe(-1);
    expect(rpmvercmp('1.0^git1', '1.0')).toBe(1);
    expect(rpmvercmp('1.0^git1', '1.0.1')).toBe(-1);
    expect(rpmvercmp('1.0a', '1.0.1')).toBe(-1);
    expect(rpmvercmp('1.01', '1.1')).toBe(0);
    expect(rpmvercmp('10', '9')).toBe(1);
  });

  it('compares epoch first, then version, then release (a missing release sorts first)', () => {
    expect(compareEvr(parseEvr('1:1.0-1'), parseEvr('2.0-1'))).toBe(1);
    expect(compareEvr(parseEvr('2.0'), parseEvr('2.0-5'))).toBe(-1);
    expect(compareEvr(parseEvr('2.0-4'), parseEvr('2.0-5'))).toBe(-1);
  });
});

describe.skipIf(!requireTools('rpm'))('rpmvercmp agrees with the real rpm', () => {
  it(`on ${TRICKY.length ** 2} version pairs`, () => {
    const table = pairs(TRICKY);
    const expected = realRpm(table);
    expect(expected).toHaveLength(table.length);
    const mismatches = table.map(([a, b], i) => ({ a, b, rpm: expected[i], ours: rpmvercmp(a, b) })).filter((r) => r.rpm !== r.ours);
    expect(mismatches).toEqual([]);
  });

  it(`on ${EVRS.length ** 2} epoch:version-release pairs`, () => {
    const table = pairs(EVRS);
    const expected = realRpm(table);
    const mismatches = table.map(([a, b], i) => ({ a, b, rpm: expected[i], ours: compareEvr(parseEvr(a), parseEvr(b)) })).filter((r) => r.rpm !== r.ours);
    expect(mismatches).toEqual([]);
  });
});
