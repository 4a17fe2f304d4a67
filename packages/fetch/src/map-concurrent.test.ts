import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { mapConcurrent } from './map-concurrent.js';

describe('mapConcurrent', () => {
  it('keeps input order whatever order the work finishes in', async () => {
    const out = await mapConcurrent([30, 5, 20, 1], 3, async (ms, i) => {
      await sleep(ms);
      return `${i}:${ms}`;
    });
    expect(out).toEqual(['0:30', '1:5', '2:20', '3:1']);
  });

  it('never runs more than `limit` at once', async () => {
    let active = 0;
    let peak = 0;
    await mapConcurrent(Array.from({ length: 10 }, (_, i) => i), 3, async () => {
      active++;
      peak = Math.max(peak, active);
      await sleep(5);
      active--;
    });
    expect(peak).toBe(3);
  });

  it('starts nothing new after the first rejection, waits for running work, and rejects with it', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const failure = new Error('item 2 failed');
    const run = mapConcurrent([0, 1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      await sleep(n === 1 ? 30 : 5);
      if (n === 2) throw failure;
      finished.push(n);
      return n;
    });
    await expect(run).rejects.toBe(failure);
    expect(started).toEqual([0, 1, 2]);
    expect(finished).toContain(1);
  });

  it('handles an empty list', async () => {
    expect(await mapConcurrent([], 4, async () => 1)).toEqual([]);
  });
});
