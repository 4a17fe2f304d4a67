import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter } from './backoff.js';
import { parseContentRange } from './content-range.js';

describe('backoffDelay', () => {
  it('doubles per attempt with jitter and stays under the cap', () => {
    for (let i = 0; i < 50; i++) {
      const d0 = backoffDelay(0, 100, 10_000);
      const d3 = backoffDelay(3, 100, 10_000);
      expect(d0).toBeGreaterThanOrEqual(50);
      expect(d0).toBeLessThanOrEqual(100);
      expect(d3).toBeGreaterThanOrEqual(400);
      expect(d3).toBeLessThanOrEqual(800);
      expect(backoffDelay(20, 500, 10_000)).toBeLessThanOrEqual(10_000);
    }
  });

  it('waits at least Retry-After, up to the cap', () => {
    expect(backoffDelay(0, 10, 10_000, 3000)).toBe(3000);
    expect(backoffDelay(0, 10, 1000, 3000)).toBe(1000);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('parseContentRange', () => {
  it('accepts well-formed ranges and rejects hostile ones', () => {
    expect(parseContentRange('bytes 10-19/20')).toEqual({ start: 10, end: 19, total: 20 });
    expect(parseContentRange('bytes 10-19/*')).toEqual({ start: 10, end: 19, total: undefined });
    expect(parseContentRange('bytes 10-19/15')).toBeUndefined();
    expect(parseContentRange('bytes 19-10/30')).toBeUndefined();
    expect(parseContentRange('bytes */30')).toBeUndefined();
    expect(parseContentRange('items 1-2/3')).toBeUndefined();
    expect(parseContentRange(undefined)).toBeUndefined();
  });
});
