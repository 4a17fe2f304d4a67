import { AirlockError } from '@airlock/core';
import type { Dispatcher } from 'undici';

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
  // HTTP_PROXY, HTTPS_PROXY and NO_PROXY apply as they do to the engine's fetcher; closed at the end
  // so no idle connection keeps the process alive.
  const { EnvHttpProxyAgent, request } = await import('undici'); // large: loaded only when a store is asked
  const dispatcher = new EnvHttpProxyAgent();
  try {
    return await attempts(url, body, action.name, architecture, dispatcher, request);
  } finally {
    await dispatcher.close();
  }
}

async function attempts(url: string, body: string, name: string, architecture: string, dispatcher: Dispatcher, request: typeof import('undici').request): Promise<unknown> {
  let lastError: unknown;
  for (let attempt = 0; attempt <= RETRIES; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: 'POST',
        body,
        dispatcher,
        headersTimeout: TIMEOUT_MS,
        bodyTimeout: TIMEOUT_MS,
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'user-agent': 'airlock (snap download)',
          'snap-device-series': '16',
          'snap-device-architecture': architecture,
          'snap-device-capabilities': 'default-tracks',
        },
      });
    } catch (err) {
      lastError = new AirlockError('FETCH_FAILED', `cannot reach the snap store at ${url}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      continue;
    }
    if (res.statusCode >= 500 || res.statusCode === 429) {
      res.body.on('error', () => undefined).destroy();
      lastError = new AirlockError('HTTP_STATUS', `HTTP ${res.statusCode} from ${url}`, { details: { url, status: res.statusCode } });
      continue;
    }
    if (res.statusCode !== 200) {
      res.body.on('error', () => undefined).destroy();
      throw new AirlockError('HTTP_STATUS', `HTTP ${res.statusCode} from ${url} for ${name}; check the store URL`, { details: { url, status: res.statusCode } });
    }
    const text = (await readLimited(res.body, ANSWER_LIMIT, url)).toString('utf8');
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new AirlockError('UPSTREAM_INVALID', `the snap store at ${url} answered with something that is not JSON`);
    }
  }
  throw lastError;
}

/** Reads an (attacker-controlled) answer, refusing and no longer reading one past `limit`. */
async function readLimited(body: Dispatcher.ResponseData['body'], limit: number, url: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    total += buf.length;
    if (total > limit) {
      body.on('error', () => undefined).destroy();
      throw new AirlockError('SIZE_MISMATCH', `the answer from ${url} is larger than ${limit} bytes`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks, total);
}
