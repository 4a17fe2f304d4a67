import { AirlockError } from '@airlock/core';

const ANSWER_LIMIT = 16 << 20;
const RETRIES = 3;
const TIMEOUT_MS = 60_000;

/** The fields `snap download` asks for, plus snap-yaml (for prerequisites). */
export const REFRESH_FIELDS = ['architectures', 'base', 'confinement', 'created-at', 'description', 'download', 'epoch', 'license', 'name', 'publisher', 'revision', 'snap-id', 'snap-yaml', 'summary', 'title', 'type', 'version'];

export interface DownloadAction {
  name: string;
  channel?: string;
  revision?: number;
}

/**
 * POST /v2/snaps/refresh with one `download` action, as `snap download` sends it: the device
 * headers, `epoch: null`, no context. Returns the parsed JSON (attacker-controlled) of a 200.
 */
export async function postDownloadAction(store: string, action: DownloadAction, architecture: string): Promise<unknown> {
  const body = JSON.stringify({
    context: [],
    actions: [{ action: 'download', 'instance-key': 'download-1', name: action.name, epoch: null, ...(action.revision === undefined ? { channel: action.channel } : { revision: action.revision }) }],
    fields: REFRESH_FIELDS,
  });
  const url = `${store}/v2/snaps/refresh`;
  let lastError: unknown;
  for (let attempt = 0; attempt <= RETRIES; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'User-Agent': 'airlock (snap download)',
          'Snap-Device-Series': '16',
          'Snap-Device-Architecture': architecture,
          'Snap-Device-Capabilities': 'default-tracks',
        },
      });
    } catch (err) {
      lastError = new AirlockError('FETCH_FAILED', `cannot reach the snap store at ${url}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      continue;
    }
    if (res.status >= 500 || res.status === 429) {
      await res.body?.cancel();
      lastError = new AirlockError('HTTP_STATUS', `HTTP ${res.status} from ${url}`, { details: { url, status: res.status } });
      continue;
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new AirlockError('HTTP_STATUS', `HTTP ${res.status} from ${url} for ${action.name}; check the store URL`, { details: { url, status: res.status } });
    }
    return JSON.parse((await readLimited(res, ANSWER_LIMIT, url)).toString('utf8')) as unknown;
  }
  throw lastError;
}

async function readLimited(res: Response, limit: number, url: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  if (!res.body) return Buffer.alloc(0);
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > limit) {
      await res.body.cancel().catch(() => undefined);
      throw new AirlockError('SIZE_MISMATCH', `the answer from ${url} is larger than ${limit} bytes`);
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks, total);
}
