import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AirlockError, digestsEqual, ensureDir, hashFileAlso, isAirlockError, type Digest, type DownloadOptions } from '@airlock/core';
import { attemptDownload, withAlso, type Downloaded } from './download-attempt.js';
import { DownloadJob } from './download-job.js';
import type { Limiter } from './limiter.js';
import type { HttpClient } from './request.js';
import { withRetries } from './retry.js';

/**
 * Downloads to `dest` from the first URL that delivers the expected bytes. Each URL gets its own
 * retries; a 4xx or exhausted retries move on to the next URL, keeping the partial file (bytes are
 * bytes when the digest is pinned). A body of the wrong size or digest is deleted before the next URL.
 */
export async function download(
  client: HttpClient,
  limiter: Limiter,
  urls: string | string[],
  dest: string,
  o: DownloadOptions = {},
): Promise<Downloaded> {
  const list = typeof urls === 'string' ? [urls] : urls;
  if (list.length === 0) throw new AirlockError('USAGE', `no URL given to download ${dest}`);
  const expected = o.expected ?? {};
  const job = new DownloadJob(dest, expected, o.headers ?? {}, o.label ?? list[0] ?? dest, o.onProgress, o.alsoHash ?? []);

  const present = await alreadyPresent(dest, expected, job);
  if (present) {
    job.reportPosition(present.size);
    return present;
  }
  await ensureDir(dirname(dest));

  let lastError: unknown;
  let freshRetryUsed = false;
  for (let i = 0; i < list.length; ) {
    const url = list[i] as string;
    try {
      return await withRetries(url, client.options, () => limiter.run(() => attemptDownload(client, url, job)));
    } catch (err) {
      lastError = err;
      if (isAirlockError(err, 'DIGEST_MISMATCH') || isAirlockError(err, 'SIZE_MISMATCH')) {
        await job.partial.discard();
        // Bytes kept from an earlier attempt or run may be what was wrong: give this URL one clean try.
        if (job.resumed && !freshRetryUsed) {
          freshRetryUsed = true;
          job.resumed = false;
          continue;
        }
      } else if (!isAirlockError(err, 'HTTP_STATUS') && !isAirlockError(err, 'FETCH_FAILED')) {
        throw err;
      }
      i++;
    }
  }
  throw lastError;
}

/** `dest` already holds the pinned content: nothing to fetch. */
async function alreadyPresent(dest: string, expected: { digest?: Digest; size?: number }, job: DownloadJob): Promise<Downloaded | undefined> {
  if (expected.digest === undefined) return undefined;
  try {
    const info = await stat(dest);
    if (!info.isFile() || (expected.size !== undefined && info.size !== expected.size)) return undefined;
  } catch {
    return undefined;
  }
  const { digest, size, hex } = await hashFileAlso(dest, job.alsoHash);
  return digestsEqual(digest, expected.digest) ? withAlso({ digest, size }, job, hex) : undefined;
}
