/** A small publication with one file of each served content type. */
export const sampleFiles = {
  'index.json': '{"a":1}',
  'streams/v1/index.sjson': '{}',
  'keys/site.asc': '-----BEGIN PGP PUBLIC KEY BLOCK-----',
  'keys/site.gpg': Buffer.from([0x99, 0x01]),
  'README.md': '# hi',
  'notes.txt': 'notes',
  'a.gz': 'gz',
  'a.xz': 'xz',
  'a.zst': 'zst',
  'pool/h/hello_1.0_amd64.deb': 'deb',
  'Packages/hello.rpm': 'rpm',
  'repodata/repomd.xml': '<repomd/>',
  'page.html': '<p>hi</p>',
  'layer.tar': 'tar',
  'blob.bin': '0123456789',
};
