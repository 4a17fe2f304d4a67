import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { expectCode } from '@airlock/test-utils';
import { parsePrimary } from './parse-primary.js';

function packageXml(i: number, href = `Packages/p${i}-1.0-1.x86_64.rpm`): string {
  return `<package type="rpm"><name>p${i}</name><arch>x86_64</arch><version epoch="0" ver="1.0" rel="1"/><checksum type="sha256" pkgid="YES">${i.toString(16).padStart(64, '0')}</checksum><size package="100" installed="1" archive="1"/><location href="${href}"/><format><rpm:provides><rpm:entry name="p${i}" flags="EQ" epoch="0" ver="1.0" rel="1"/></rpm:provides><rpm:requires><rpm:entry name="p${i + 1}" flags="GE" epoch="0" ver="1.0"/><rpm:entry name="/usr/bin/x" pre="1"/></rpm:requires><file>/usr/bin/p${i}</file></format></package>`;
}

/** A primary.xml produced chunk by chunk, so the parser never sees it whole. */
function primaryStream(count: number, body: (i: number) => string = (i) => packageXml(i)): Readable {
  function* chunks(): Generator<string> {
    yield `<?xml version="1.0"?><metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="${count}">`;
    for (let i = 0; i < count; i++) yield body(i);
    yield '</metadata>';
  }
  return Readable.from(chunks());
}

describe('parsePrimary', () => {
  it('streams 50k packages, handing each over as it closes', async () => {
    let seen = 0;
    let last;
    const count = await parsePrimary(primaryStream(50_000), (p) => {
      seen++;
      last = p;
    });
    expect(count).toBe(50_000);
    expect(seen).toBe(50_000);
    expect(last).toMatchObject({ name: 'p49999', files: ['/usr/bin/p49999'], requires: [{ name: 'p50000', flags: 12, evr: { epoch: '0', version: '1.0' } }, { name: '/usr/bin/x', flags: 0, pre: true }] });
  }, 60_000);

  it('refuses a package location that leaves the repo', async () => {
    await expectCode(parsePrimary(primaryStream(1, (i) => packageXml(i, '../../../etc/passwd.rpm')), () => undefined), 'UPSTREAM_INVALID');
  });

  it('refuses XML that is not well-formed', async () => {
    await expectCode(parsePrimary(Readable.from(['<metadata><package><name>x</nam></package>']), () => undefined), 'UPSTREAM_INVALID');
  });

  it('refuses an over-long name instead of reading part of it', async () => {
    const xml = packageXml(1).replace('<name>p1</name>', `<name>${'a'.repeat(70_000)}</name>`);
    await expectCode(parsePrimary(primaryStream(1, () => xml), () => undefined), 'UPSTREAM_INVALID');
  });

  it('refuses unknown dependency flags', async () => {
    const xml = packageXml(1).replace('flags="GE"', 'flags="XX"');
    await expectCode(parsePrimary(primaryStream(1, () => xml), () => undefined), 'UPSTREAM_INVALID');
  });
});
