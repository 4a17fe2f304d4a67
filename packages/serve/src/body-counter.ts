import type { ServerResponse } from 'node:http';

/**
 * Counts the body bytes a response writes, whoever writes them (the static tree or a custom
 * handler), for the access log. Returns a reader of the running total.
 */
export function countBodyBytes(res: ServerResponse): () => number {
  let bytes = 0;
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.write = ((...args: unknown[]) => {
    bytes += byteLengthOf(args[0], args[1]);
    return write(...args);
  }) as typeof res.write;
  res.end = ((...args: unknown[]) => {
    bytes += byteLengthOf(args[0], args[1]);
    return end(...args);
  }) as typeof res.end;
  return () => bytes;
}

function byteLengthOf(chunk: unknown, encoding: unknown): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (chunk instanceof Uint8Array) return chunk.byteLength;
  return 0;
}
