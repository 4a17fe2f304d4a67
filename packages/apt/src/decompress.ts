import { spawn } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { AirlockError, asAirlockError } from '@airlock/core';

export type Compression = 'gz' | 'xz' | 'none';

export function compressionOf(path: string): Compression {
  if (path.endsWith('.gz')) return 'gz';
  if (path.endsWith('.xz')) return 'xz';
  return 'none';
}

/**
 * Decompresses an index as a stream. gzip uses node:zlib. Node has no xz decoder and no xz
 * package is a dependency, so .xz goes through the `xz -dc` tool; the exporter prefers .gz or the
 * plain file whenever Release lists one, so xz is needed only for xz-only archives.
 */
export function decompressed(input: Readable, compression: Compression, label: string): Readable {
  if (compression === 'none') return input;
  const out = new PassThrough();
  input.on('error', (err) => out.destroy(asAirlockError(err, 'IO_ERROR', `cannot read ${label}`)));
  if (compression === 'gz') {
    // zlib reports damaged data with its own untyped errors; the index is upstream-controlled.
    const gunzip = createGunzip({ chunkSize: 1 << 18 });
    gunzip.on('error', (err) => out.destroy(new AirlockError('UPSTREAM_INVALID', `${label} is not valid gzip data (${err.message}): the upstream index is damaged or was tampered with`, { cause: err })));
    out.on('close', () => {
      gunzip.destroy();
      input.destroy();
    });
    input.pipe(gunzip).pipe(out);
    return out;
  }
  const child = spawn('xz', ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.on('error', (err) => out.destroy(new AirlockError('UPSTREAM_INVALID', `cannot run xz to read ${label}: ${err.message} (install xz-utils)`)));
  child.on('close', (code) => {
    if (code !== 0) out.destroy(new AirlockError('UPSTREAM_INVALID', `${label} is not valid xz data: ${stderr.trim()}`));
  });
  child.stdin.on('error', () => undefined);
  input.pipe(child.stdin);
  child.stdout.pipe(out);
  return out;
}
