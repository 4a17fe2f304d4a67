import { describe, expect, it } from 'vitest';
import { parseImageReference, registryBaseUrl } from './reference.js';

describe('image references', () => {
  it('normalises Docker Hub names and keeps registry hosts', () => {
    expect(parseImageReference('nginx:1.25')).toEqual({ host: 'docker.io', repository: 'library/nginx', tag: '1.25' });
    expect(parseImageReference('127.0.0.1:5000/acc/app:1')).toEqual({ host: '127.0.0.1:5000', repository: 'acc/app', tag: '1' });
    expect(parseImageReference('localhost/app')).toEqual({ host: 'localhost', repository: 'app' });
    expect(parseImageReference('Bad/Name')).toBeUndefined();
    expect(parseImageReference('app@sha256:12')).toBeUndefined();
  });

  it('refuses a registry host that is not a host name, IP address or [IPv6] with a port (regression: fuzz found "\\0\\ndocker.io/library/alpine:3.20" "[.::1]:5000/x:y" and "local.5000/team/img" accepted)', () => {
    for (const text of ['\0\ndocker.io/library/alpine:3.20', 'reg istry.io/a:b', 'evil.io#x/app:1', 'a..b.io/app', '-bad.io/app', 'host.io:/app', 'host.io:123456/app', '[.::1]:5000/x:y', '[::1::2]/x', 'local.5000/team/img']) {
      expect(parseImageReference(text), text).toBeUndefined();
    }
    expect(parseImageReference('[::1]:5000/app:1')).toEqual({ host: '[::1]:5000', repository: 'app', tag: '1' });
    expect(parseImageReference('Registry.Example.COM:443/team/app')).toEqual({ host: 'Registry.Example.COM:443', repository: 'team/app' });
  });

  it('uses plain HTTP only for loopback and listed insecure registries', () => {
    expect(registryBaseUrl('127.0.0.1:5000', [])).toBe('http://127.0.0.1:5000');
    expect(registryBaseUrl('localhost:5000', [])).toBe('http://localhost:5000');
    expect(registryBaseUrl('docker.io', [])).toBe('https://registry-1.docker.io');
    expect(registryBaseUrl('10.1.2.3:5000', [])).toBe('https://10.1.2.3:5000');
    expect(registryBaseUrl('10.1.2.3:5000', ['10.1.2.3:5000'])).toBe('http://10.1.2.3:5000');
  });
});
