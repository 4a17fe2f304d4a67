import { extname } from 'node:path';

const TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.sjson': 'application/json',
  '.asc': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.gpg': 'application/pgp-keys',
  '.gz': 'application/gzip',
  '.xz': 'application/x-xz',
  '.zst': 'application/zstd',
  '.deb': 'application/vnd.debian.binary-package',
  '.rpm': 'application/x-rpm',
  '.xml': 'application/xml',
  '.html': 'text/html',
  '.tar': 'application/x-tar',
};

export function contentTypeOf(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}
