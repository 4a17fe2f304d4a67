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
  try {
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      total += chunk.length;
      if (total > limit) throw new AirlockError('SIZE_MISMATCH', `${label} is more than the ${limit} bytes allowed`);
      chunks.push(Buffer.from(chunk));
    }
  } catch (err) {
    if (err instanceof AirlockError) throw err;
    throw new AirlockError('FETCH_FAILED', `${label}: the connection failed while reading the answer (${(err as Error).message}); try again`, { cause: err });
  }
  return Buffer.concat(chunks);
}

/** Parses a remote JSON answer (attacker-controlled); anything else is UPSTREAM_INVALID naming `what`. */
export function parseJson(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (err) {
    throw new AirlockError('UPSTREAM_INVALID', `${what} sent an answer that is not JSON (${(err as Error).message}); the registry is broken or hostile`, { cause: err });
  }
}
