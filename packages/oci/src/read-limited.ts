import { AirlockError } from '@airlock/core';

/** Reads a response body, refusing more than `limit` bytes (the body is attacker-controlled). */
export async function readLimited(res: Response, limit: number, label: string): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await res.body?.cancel();
    throw new AirlockError('SIZE_MISMATCH', `${label} is ${declared} bytes, more than the ${limit} allowed`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  if (!res.body) return Buffer.alloc(0);
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > limit) throw new AirlockError('SIZE_MISMATCH', `${label} is more than the ${limit} bytes allowed`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}
