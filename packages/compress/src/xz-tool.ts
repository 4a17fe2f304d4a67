import { spawn } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import { AirlockError } from '@airlock/core';

/**
 * Decompresses xz through the `xz -dc` tool (Node has no xz decoder and no xz package is a
 * dependency). The pipe carries backpressure, so memory stays bounded; the caller bounds the size.
 */
export function xzDecompressed(input: Readable, label: string): Readable {
  const out = new PassThrough();
  const child = spawn('xz', ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 4096) stderr += d.toString();
  });
  child.on('error', (err) => out.destroy(new AirlockError('UPSTREAM_INVALID', `cannot run xz to read ${label}: ${err.message} (install xz-utils)`)));
  // The output ends only once xz exited cleanly: a damaged file must not look like a short one.
  child.on('close', (code) => {
    if (code === 0) out.end();
    else out.destroy(new AirlockError('UPSTREAM_INVALID', `${label} is not valid xz data: ${stderr.trim() || `xz exited with ${code}`}`));
  });
  input.on('error', (err) => out.destroy(err));
  child.stdin.on('error', () => undefined);
  input.pipe(child.stdin);
  child.stdout.pipe(out, { end: false });
  out.on('close', () => {
    input.destroy();
    if (child.exitCode === null) child.kill();
  });
  return out;
}
