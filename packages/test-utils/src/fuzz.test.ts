import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AirlockError } from '@airlock/core';
import { expectOnlyCodedErrors } from './fuzz.js';
import { mutatedBytes } from './mutate-bytes.js';
import { mutatedJson } from './mutate-json.js';
import { mutatedText } from './mutate-text.js';

const runs = 30;

describe('expectOnlyCodedErrors', () => {
  it('passes coded refusals and acceptances, and counts them', async () => {
    const report = await expectOnlyCodedErrors(fc.integer(), (n) => {
      if (n % 2 !== 0) throw new AirlockError('UPSTREAM_INVALID', 'odd');
    }, { target: 'parity', numRuns: runs, examples: [1, 2] });
    expect(report.cases).toBeGreaterThanOrEqual(runs);
    expect(report.accepted + (report.refused.UPSTREAM_INVALID ?? 0)).toBe(report.cases);
    expect(report.refused.UPSTREAM_INVALID).toBeGreaterThan(0);
  });

  it('fails on an untyped error and names the shrunk input', async () => {
    const run = expectOnlyCodedErrors(fc.integer({ min: 0, max: 1000 }), (n) => {
      if (n > 10) throw new TypeError('boom');
    }, { target: 'typed', numRuns: 200 });
    await expect(run).rejects.toThrow(/Counterexample: \[11\][\s\S]*untyped error[\s\S]*TypeError: boom/);
  });

  it('fails on INTERNAL and on codes outside the allowed list', async () => {
    await expect(expectOnlyCodedErrors(fc.constant(0), () => { throw new AirlockError('INTERNAL', 'bug'); }, { target: 'internal', numRuns: 1 })).rejects.toThrow(/INTERNAL/);
    await expect(expectOnlyCodedErrors(fc.constant(0), () => { throw new AirlockError('IO_ERROR', 'disk'); }, { target: 'narrow', numRuns: 1, codes: ['UPSTREAM_INVALID'] })).rejects.toThrow(/IO_ERROR/);
  });

  it('cuts off an async case that hangs, and flags a slow sync case', async () => {
    await expect(expectOnlyCodedErrors(fc.constant(0), () => new Promise(() => undefined), { target: 'hang', numRuns: 1, timeLimitMs: 50 })).rejects.toThrow(/did not finish within 50 ms/);
    const busy = (): void => {
      const until = Date.now() + 80;
      while (Date.now() < until);
    };
    await expect(expectOnlyCodedErrors(fc.constant(0), busy, { target: 'slow', numRuns: 1, timeLimitMs: 20 })).rejects.toThrow(/more than 20 ms/);
  });

  it('flags a case that makes the process hold far more memory than allowed', async () => {
    const hog = (): number => {
      const blocks = Array.from({ length: 8 }, () => Buffer.alloc(16 << 20, 1));
      return blocks.reduce((n, b) => n + b.length, 0);
    };
    await expect(expectOnlyCodedErrors(fc.constant(0), hog, { target: 'hog', numRuns: 1, memoryLimitBytes: 32 << 20 })).rejects.toThrow(/raised peak memory/);
  });
});

describe('mutations', () => {
  it('mutatedBytes changes the seed and respects hotspots', () => {
    const seed = Buffer.alloc(512, 0x41);
    const samples = fc.sample(mutatedBytes(seed, { hotspots: [[124, 12]], maxOps: 1 }), 200);
    expect(samples.filter((s) => !s.equals(seed)).length).toBeGreaterThan(150);
    const inSpot = samples.filter((s) => s.length === 512 && !s.subarray(124, 136).equals(seed.subarray(124, 136)));
    expect(inSpot.length).toBeGreaterThan(40);
  });

  it('mutatedText edits lines of the seed', () => {
    const seed = 'Package: a\nVersion: 1\nDepends: b\n';
    const samples = fc.sample(mutatedText(seed, { tokens: ['Depends:'] }), 100);
    expect(samples.filter((s) => s !== seed).length).toBeGreaterThan(80);
    expect(samples.some((s) => s.includes('Package: a'))).toBe(true);
  });

  it('mutatedJson keeps most of the document and never touches the seed', () => {
    const seed = { version: 1, entries: [{ path: 'a', size: 1 }, { path: 'b', size: 2 }] };
    const samples = fc.sample(mutatedJson(seed, { maxOps: 1 }), 100);
    expect(seed).toEqual({ version: 1, entries: [{ path: 'a', size: 1 }, { path: 'b', size: 2 }] });
    expect(samples.filter((s) => JSON.stringify(s) !== JSON.stringify(seed)).length).toBeGreaterThan(60);
  });
});
