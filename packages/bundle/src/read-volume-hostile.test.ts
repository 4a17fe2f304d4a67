import { beforeAll, describe, it } from 'vitest';
import { compress } from 'zstd-napi';
import type { ErrorCode } from '@airlock/core';
import { expectCode, tempDir } from '@airlock/test-utils';
import type { Compression, ManifestBlob } from './manifest-types.js';
import { readVolume } from './read-volume.js';
import { verifyVolume } from './verify-volume.js';
import { digestOf, hostileVolume } from './__tests__/fixtures.js';
import { END, blobName, pad, rawEntry, rawHeader, volumeJsonEntry, type RawHeader } from './__tests__/hostile-tar.js';

// Archives built by hand, header by header, the way an attacker would. Each case is refused with its code.
const BLOB = Buffer.from('payload of the blob\n');
const DIGEST = digestOf(BLOB);
const OTHER = digestOf(Buffer.from('another blob'));
const NAME = blobName(DIGEST);
const LISTED: ManifestBlob[] = [{ digest: DIGEST, size: BLOB.length }];
const VOLUME_JSON = volumeJsonEntry([{ name: NAME, size: BLOB.length }]);

/** Which thread the cases of the running describe block read on. */
let readOnWorker = false;

async function expectRefused(tar: Buffer, code: ErrorCode, compression: Compression = 'none'): Promise<void> {
  const dir = await tempDir();
  const bytes = compression === 'zstd' ? compress(tar) : tar;
  const { path, manifest, volume } = await hostileVolume(dir, bytes, { compression, blobs: LISTED, entries: [{ digest: DIGEST }] });
  await expectCode(verifyVolume(path, manifest, volume, undefined, readOnWorker), code);
}

/** volume.json, then one crafted entry carrying the blob's bytes, then the end marker. */
function withEntry(h: Partial<RawHeader>, data = BLOB): Buffer {
  return Buffer.concat([VOLUME_JSON, rawEntry({ name: NAME, size: data.length, ...h }, data), END]);
}

// Every case runs twice: read on the calling thread (small volumes) and on the worker thread (large ones).
describe.each([false, true])('hostile volumes (read on the worker thread: %s)', (offThread) => {
  beforeAll(() => {
    readOnWorker = offThread;
  });

  it('accepts the honest archive these cases are built from (zstd and none)', async () => {
    for (const compression of ['none', 'zstd'] as const) {
      const dir = await tempDir();
      const tar = withEntry({});
      const { path, manifest, volume } = await hostileVolume(dir, compression === 'zstd' ? compress(tar) : tar, { compression, blobs: LISTED, entries: [{ digest: DIGEST }] });
      await verifyVolume(path, manifest, volume, undefined, offThread);
    }
  });

  it('refuses an archive that does not start with volume.json', () =>
    expectRefused(Buffer.concat([rawEntry({ name: NAME, size: BLOB.length }, BLOB), VOLUME_JSON, END]), 'TAR_ENTRY_INVALID'));

  it('refuses a volume.json larger than 16 MiB without reading it', () =>
    expectRefused(Buffer.concat([rawHeader({ name: 'volume.json', size: (16 << 20) + 1 }), END]), 'TAR_ENTRY_INVALID'));

  it('refuses volume.json as a symlink', () =>
    expectRefused(Buffer.concat([rawHeader({ name: 'volume.json', size: 0, type: '2', linkname: '/etc/passwd' }), END]), 'TAR_ENTRY_INVALID'));

  it('refuses a second volume.json', () =>
    expectRefused(Buffer.concat([VOLUME_JSON, VOLUME_JSON, rawEntry({ name: NAME, size: BLOB.length }, BLOB), END]), 'TAR_ENTRY_DUPLICATE'));

  it.each([
    ['../ traversal', `../${NAME}`],
    ['traversal inside the name', `blobs/sha256/../../../etc/cron.d/x`],
    ['an absolute path', `/${NAME}`],
    ['a ./ prefix', `./${NAME}`],
    ['a trailing slash', `${NAME}/`],
    ['upper-case hex', NAME.toUpperCase()],
    ['an unknown file', 'README'],
    ['an unknown suffix', `${NAME}.extra`],
    ['a part with a leading zero', `${NAME}.part-01`],
    ['an empty name', ''],
  ])('refuses an entry named with %s', (_what, name) => expectRefused(withEntry({ name }), 'TAR_ENTRY_INVALID'));

  it.each([
    ['hard link', '1'],
    ['symbolic link', '2'],
    ['character device', '3'],
    ['block device', '4'],
    ['directory', '5'],
    ['FIFO', '6'],
    ['contiguous file', '7'],
    ['pax extended header', 'x'],
    ['pax global header', 'g'],
    ['GNU long name', 'L'],
    ['GNU long link name', 'K'],
    ['old-style file (NUL type)', '\0'],
    ['unknown type', 'Z'],
  ])('refuses a %s entry under a listed blob name', (_what, type) =>
    expectRefused(withEntry({ type, ...(type === '1' || type === '2' ? { linkname: '/etc/shadow' } : {}) }), 'TAR_ENTRY_INVALID'));

  it('refuses a pax header that would rename the next entry', () => {
    const pax = Buffer.from(`30 path=../../etc/passwd\n`);
    const tar = Buffer.concat([VOLUME_JSON, rawEntry({ name: 'PaxHeader/x', size: pax.length, type: 'x' }, pax), rawEntry({ name: NAME, size: BLOB.length }, BLOB), END]);
    return expectRefused(tar, 'TAR_ENTRY_INVALID');
  });

  it('refuses a GNU long-name entry', () => {
    const long = Buffer.from(`${'a/'.repeat(80)}evil\0`);
    const tar = Buffer.concat([VOLUME_JSON, rawEntry({ name: '././@LongLink', size: long.length, type: 'L' }, long), rawEntry({ name: NAME, size: BLOB.length }, BLOB), END]);
    return expectRefused(tar, 'TAR_ENTRY_INVALID');
  });

  it('refuses a ustar prefix that moves the entry elsewhere', () => expectRefused(withEntry({ prefix: '../../tmp' }), 'TAR_ENTRY_INVALID'));

  it('refuses a link target on a regular file', () => expectRefused(withEntry({ linkname: '/etc/passwd' }), 'TAR_ENTRY_INVALID'));

  it('refuses GNU (non-POSIX) headers', () => expectRefused(withEntry({ magic: 'ustar ', version: ' \0' }), 'TAR_ENTRY_INVALID'));

  it('refuses bytes hidden after the name terminator', () => expectRefused(withEntry({ nameTail: '../../x' }), 'TAR_ENTRY_INVALID'));

  it('refuses base-256 sizes', () => {
    const sizeField = Buffer.alloc(12);
    sizeField[0] = 0x80;
    sizeField.writeUInt32BE(BLOB.length, 8);
    return expectRefused(withEntry({ sizeField }), 'TAR_ENTRY_INVALID');
  });

  it('refuses a blob that is not listed for this volume', () =>
    expectRefused(withEntry({ name: blobName(OTHER) }), 'TAR_ENTRY_INVALID'));

  it('refuses a part of a blob carried whole', () => expectRefused(withEntry({ name: blobName(DIGEST, 0) }), 'TAR_ENTRY_INVALID'));

  it('refuses a repeated entry', () =>
    expectRefused(Buffer.concat([VOLUME_JSON, rawEntry({ name: NAME, size: BLOB.length }, BLOB), rawEntry({ name: NAME, size: BLOB.length }, BLOB), END]), 'TAR_ENTRY_DUPLICATE'));

  it('refuses an entry whose header size differs from the manifest', () =>
    expectRefused(withEntry({ size: BLOB.length + 1 }, Buffer.concat([BLOB, Buffer.from('!')])), 'SIZE_MISMATCH'));

  it('refuses an entry that claims to be huge', () => expectRefused(withEntry({ size: 0o77777777777 }), 'SIZE_MISMATCH'));

  it('refuses an archive that lacks a listed entry', () => expectRefused(Buffer.concat([VOLUME_JSON, END]), 'VOLUME_TRUNCATED'));

  it('refuses an empty archive', () => expectRefused(END, 'VOLUME_TRUNCATED'));

  it('refuses an archive without its end marker', () => expectRefused(withEntry({}).subarray(0, -1024), 'VOLUME_TRUNCATED'));

  it('refuses an archive cut inside an entry', () => expectRefused(withEntry({}).subarray(0, VOLUME_JSON.length + 512 + 5), 'VOLUME_TRUNCATED'));

  it('refuses data after the end marker', () => expectRefused(Buffer.concat([withEntry({}), rawEntry({ name: NAME, size: 0 })]), 'VOLUME_CORRUPT'));

  it('refuses a half end marker followed by more entries', () =>
    expectRefused(Buffer.concat([VOLUME_JSON, Buffer.alloc(512), rawEntry({ name: NAME, size: BLOB.length }, BLOB), END]), 'VOLUME_CORRUPT'));

  it('refuses a header with a bad checksum', () => expectRefused(withEntry({ breakChecksum: true }), 'VOLUME_CORRUPT'));

  it('refuses a header with a size field that is not octal', () =>
    expectRefused(withEntry({ sizeField: Buffer.from('0000000002x\0', 'latin1') }), 'VOLUME_CORRUPT'));

  it('refuses a volume.json of another volume', () => {
    const tar = Buffer.concat([volumeJsonEntry([{ name: NAME, size: BLOB.length }], { number: 2 }), rawEntry({ name: NAME, size: BLOB.length }, BLOB), END]);
    return expectRefused(tar, 'VOLUME_UNKNOWN');
  });

  it('refuses hostile entries inside zstd volumes too', () => expectRefused(withEntry({ name: `../${NAME}` }), 'TAR_ENTRY_INVALID', 'zstd'));

  it('refuses data that is not zstd', () => expectRefused(pad(Buffer.from('not zstd at all')), 'VOLUME_CORRUPT', 'zstd'));

  it('passes the declared bytes only, even to a consumer that reads on', async () => {
    const dir = await tempDir();
    const { path, manifest, volume } = await hostileVolume(dir, withEntry({}), { blobs: LISTED, entries: [{ digest: DIGEST }] });
    let received = 0;
    await readVolume({ offThread, path, manifest, volume, onEntry: async (e) => { for await (const chunk of e.stream) received += (chunk as Buffer).length; } });
    if (received !== BLOB.length) throw new Error(`consumer received ${received} bytes`);
  });
});
