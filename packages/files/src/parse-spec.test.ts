import { describe, expect, it } from 'vitest';
import { expectCodeSync } from '@airlock/test-utils';
import { parseFilesSpec } from './parse-spec.js';

const hex = 'ab'.repeat(32);

function problemPaths(fn: () => unknown): string[] {
  const err = expectCodeSync(fn, 'CONFIG_INVALID');
  return (err.details?.problems as Array<{ path: string }>).map((p) => p.path).sort();
}

describe('parseFilesSpec', () => {
  it('normalizes a directory path and URL forms', () => {
    const spec = parseFilesSpec(
      {
        type: 'files',
        name: 'isos',
        path: './payload',
        urls: ['http://mirror.test/pub/a.iso', { url: 'https://mirror.test/b%20c.img', sha256: `sha256:${hex}` }, { url: 'http://mirror.test/get?id=1', sha256: hex.toUpperCase(), path: 'tools/x.bin' }],
      },
      'sources[0]',
      '/etc/airlock',
    );
    expect(spec).toEqual({
      type: 'files',
      name: 'isos',
      path: ['/etc/airlock/payload'],
      urls: [
        { url: 'http://mirror.test/pub/a.iso', path: 'a.iso' },
        { url: 'https://mirror.test/b%20c.img', sha256: `sha256:${hex}`, path: 'b c.img' },
        { url: 'http://mirror.test/get?id=1', sha256: `sha256:${hex}`, path: 'tools/x.bin' },
      ],
    });
  });

  it('accepts a list of paths, absolute ones kept as they are', () => {
    expect(parseFilesSpec({ type: 'files', name: 't', path: ['a', '/srv/b'] }, 's', '/cfg').path).toEqual(['/cfg/a', '/srv/b']);
  });

  it('lists every bad field at once, with its path', () => {
    const paths = problemPaths(() =>
      parseFilesSpec(
        {
          type: 'file',
          name: '../evil',
          colour: 'blue',
          path: ['ok', '', 3],
          urls: ['ftp://x/a', { url: 'http://x/a.iso', sha256: 'nothex' }, { url: 'http://x/dir/' }, { url: 'http://x/b', path: '../b' }, { url: 'http://x/c', extra: 1 }, 42],
        },
        'sources[2]',
        '/cfg',
      ),
    );
    expect(paths).toEqual([
      'sources[2].colour',
      'sources[2].name',
      'sources[2].path[1]',
      'sources[2].path[2]',
      'sources[2].type',
      'sources[2].urls[0]',
      'sources[2].urls[1].sha256',
      'sources[2].urls[2].path',
      'sources[2].urls[3].path',
      'sources[2].urls[4].extra',
      'sources[2].urls[5]',
    ]);
  });

  it('requires path or urls', () => {
    expect(problemPaths(() => parseFilesSpec({ type: 'files', name: 'x' }, 'sources[0]', '/cfg'))).toEqual(['sources[0]']);
  });

  it('refuses empty lists and a non-mapping', () => {
    expect(problemPaths(() => parseFilesSpec({ type: 'files', name: 'x', path: [], urls: [] }, 's', '/cfg'))).toEqual(['s.path', 's.urls']);
    expect(problemPaths(() => parseFilesSpec('files', 's', '/cfg'))).toEqual(['s']);
  });

  it('refuses URLs whose last segment is not a file name', () => {
    const paths = problemPaths(() => parseFilesSpec({ type: 'files', name: 'x', urls: ['http://x/a/..', 'http://x/%2e%2e', 'http://x/a%2Fb', 'http://x/%E0%A4%A'] }, 's', '/cfg'));
    expect(paths).toEqual(['s.urls[0].path', 's.urls[1].path', 's.urls[2].path', 's.urls[3].path']);
  });
});
