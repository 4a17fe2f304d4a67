import { describe, expect, it } from 'vitest';
import { EQUAL, GREATER, LESS, formatDependency, parseRequest, satisfies } from './dependency.js';
import { parseEvr } from './vercmp.js';
import type { Dependency } from './types.js';

const dep = (name: string, flags = 0, evr?: string): Dependency => (evr ? { name, flags, evr: parseEvr(evr) } : { name, flags });

describe('satisfies (rpmdsCompare)', () => {
  it('matches versioned requires against versioned provides by range overlap', () => {
    const provide = dep('fx-lib', EQUAL, '1:2.0-1');
    expect(satisfies(provide, dep('fx-lib', GREATER | EQUAL, '1:2.0'))).toBe(true);
    expect(satisfies(provide, dep('fx-lib', GREATER | EQUAL, '2.0'))).toBe(true); // epoch 1 > 0
    expect(satisfies(provide, dep('fx-lib', GREATER, '1:2.0'))).toBe(false); // release not compared when the require has none
    expect(satisfies(provide, dep('fx-lib', LESS, '1:2.0-2'))).toBe(true);
    expect(satisfies(provide, dep('fx-lib', LESS | EQUAL, '3.0'))).toBe(false);
    expect(satisfies(provide, dep('fx-lib', EQUAL, '1:2.0-1'))).toBe(true);
    expect(satisfies(provide, dep('other', 0))).toBe(false);
  });

  it('lets an unversioned side match anything of that name', () => {
    expect(satisfies(dep('mta'), dep('mta', GREATER | EQUAL, '9'))).toBe(true);
    expect(satisfies(dep('mta', EQUAL, '1.0'), dep('mta'))).toBe(true);
  });

  it('treats ~ pre-releases as older', () => {
    expect(satisfies(dep('fx-app', EQUAL, '1.2~rc1-1'), dep('fx-app', GREATER | EQUAL, '1.2'))).toBe(false);
  });
});

describe('parseRequest', () => {
  it('reads the forms a config may hold', () => {
    expect(parseRequest('docker-ce')).toEqual({ name: 'docker-ce', flags: 0 });
    expect(parseRequest('containerd.io >= 1.6')).toEqual({ name: 'containerd.io', flags: GREATER | EQUAL, evr: { epoch: '0', version: '1.6' } });
    expect(parseRequest('fx-lib = 1:2.0-1')).toEqual({ name: 'fx-lib', flags: EQUAL, evr: { epoch: '1', version: '2.0', release: '1' } });
    expect(parseRequest('a b')).toBeUndefined();
    expect(parseRequest('>= 1')).toBeUndefined();
    expect(formatDependency(parseRequest('x <= 2:1-3')!)).toBe('x <= 2:1-3');
  });
});
