import { describe, expect, it } from 'vitest';
import { parseRange } from './byte-range.js';

describe('parseRange', () => {
  it('reads single ranges', () => {
    expect(parseRange('bytes=0-0', 10)).toEqual({ kind: 'partial', start: 0, end: 0 });
    expect(parseRange('bytes=5-100', 10)).toEqual({ kind: 'partial', start: 5, end: 9 });
    expect(parseRange('bytes=-100', 10)).toEqual({ kind: 'partial', start: 0, end: 9 });
    expect(parseRange('bytes=9-', 10)).toEqual({ kind: 'partial', start: 9, end: 9 });
  });

  it('refuses ranges past the end', () => {
    expect(parseRange('bytes=10-', 10)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-0', 10)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=99999999999999999999999-', 10)).toEqual({ kind: 'unsatisfiable' });
  });

  it('serves the whole file for absent, malformed or multiple ranges', () => {
    for (const header of [undefined, 'bytes=', 'bytes=-', 'bytes=5-2', 'items=0-1', 'bytes=0-1,3-4', 'bytes=a-b']) {
      expect(parseRange(header, 10), String(header)).toEqual({ kind: 'whole' });
    }
  });
});
