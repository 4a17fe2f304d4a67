import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { expectCode, tempDir } from '@airlock/test-utils';
import { computeClosure, type ClosureInput } from './closure-job.js';
import { computeClosureOffThread } from './closure-off-thread.js';

const HASH = 'b'.repeat(64);

function stanza(name: string, version: string, extra = '', arch = 'amd64'): string {
  return `Package: ${name}\nVersion: ${version}\nArchitecture: ${arch}\n${extra}Filename: pool/${name}_${version}_${arch}.deb\nSize: 3\nSHA256: ${HASH}\n\n`;
}

async function input(text: string, requested: string[], architectures = ['amd64']): Promise<ClosureInput> {
  const file = join(await tempDir(), 'Packages.gz');
  await writeFile(file, gzipSync(text));
  return {
    indexes: [{ file, path: 'main/binary-amd64/Packages.gz', label: 'stable main/binary-amd64/Packages.gz' }],
    architectures,
    options: { dependencies: true, recommends: false, suggests: false },
    requested: requested.map((name) => ({ name })),
  };
}

const ARCHIVE = [
  stanza('app', '2.0', 'Depends: lib (>= 1.2), web | www-browser, gone (>= 3)\n'),
  stanza('app', '1.0', 'Depends: lib\n'),
  stanza('lib', '1.3'),
  stanza('lib', '1.1'),
  stanza('lynx', '2.9', 'Provides: www-browser\n'),
  stanza('other', '1.0', 'Depends: lib\n', 'arm64'),
].join('');

describe('the apt closure on a thread of its own', () => {
  it('answers exactly what the closure computed in-process answers: keys, missing and unsatisfied', async () => {
    for (const requested of [['app'], ['lib', 'lynx'], ['app', 'nosuch'], ['other']]) {
      const job = await input(ARCHIVE, requested);
      const offThread = await computeClosureOffThread(job);
      expect(offThread).toEqual(await computeClosure(job));
    }
    const app = await computeClosureOffThread(await input(ARCHIVE, ['app']));
    expect(app).toEqual({ keys: ['app 2.0 amd64', 'lib 1.3 amd64', 'lynx 2.9 amd64'], missing: [], unsatisfied: ['app 2.0 needs gone (>= 3)'] });
    expect((await computeClosureOffThread(await input(ARCHIVE, ['app', 'nosuch']))).missing).toEqual(['nosuch']);
  });

  it("an index it cannot use fails with the index's own code, message and details", async () => {
    const bad = await input(stanza('app', '1.0') + stanza('evil', '2.0').replace('pool/evil', '../../etc/evil'), ['app']);
    const error = await expectCode(computeClosureOffThread(bad), 'UPSTREAM_INVALID');
    expect(error.message).toContain('"evil" 2.0 (amd64)');
    expect(error.details).toMatchObject({ package: 'evil', version: '2.0' });
    const missing = await input(ARCHIVE, ['app']);
    missing.indexes[0]!.file += '.gone';
    await expectCode(computeClosureOffThread(missing), 'IO_ERROR');
  });
});
