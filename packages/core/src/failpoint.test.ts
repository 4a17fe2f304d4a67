import { describe, expect, it } from 'vitest';
import { parseFailpoint } from './failpoint.js';

describe('failpoint specs', () => {
  it('a bare name means its first hit, even though names contain colons', () => {
    expect(parseFailpoint('import:before-switch')).toEqual({ name: 'import:before-switch', hit: 1 });
  });
  it('a numeric last field is the hit to kill at', () => {
    expect(parseFailpoint('vault:after-commit:7')).toEqual({ name: 'vault:after-commit', hit: 7 });
  });
  it('hit 0 is not a hit count (it is part of the name)', () => {
    expect(parseFailpoint('x:0')).toEqual({ name: 'x:0', hit: 1 });
  });
});
