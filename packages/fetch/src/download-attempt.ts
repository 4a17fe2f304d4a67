import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { AirlockError, fsError, hashFileAlso, isAirlockError, type DownloadResult } from '@airlock/core';
import { parseContentRange } from './content-range.js';
import { DigestMeter } from './digest-meter.js';
import type { DownloadJob } from './download-job.js';
import { canResume, rangeValidator } from './partial-file.js';
import { contentLength, discardBody, header, openResponse, type HttpClient, type OpenResponse } from './request.js';
import { classify, TransientError } from './transient.js';

export type Downloaded = DownloadResult;

/** One GET of `url` into the job's partial file, resuming it when that is safe; commits on success. */
export async function attemptDownload(client: HttpClient, url: string, job: DownloadJob): Promise<Downloaded> {
  const { offset, ifRange } = await resumePoint(job, url);
  if (offset > 0 && offset === job.expected.size && job.expected.digest !== undefined) {
    const finished = await finishCompletePartial(job);
    if (finished) return finished;
    return attemptDownload(client, url, job);
  }
  const headers = { ...job.headers };
  if (offset > 0) {
    headers.range = `bytes=${offset}-`;
    if (ifRange !== undefined) headers['if-range'] = ifRange;
  }
  const res = await openResponse(client, url, headers);
  if (res.status === 416 && offset > 0 && job.expected.digest !== undefined && unsatisfiableTotal(res) === offset) {
    // The partial file already holds every byte the server has: a crash came between download and rename.
    discardBody(res.body);
    const finished = await finishCompletePartial(job);
    if (finished) return finished;
  }
  try {
    const start = await startingOffset(res, offset, job);
    await job.partial.writeMeta({ url, ...job.expected, ...validators(res) });
    job.resumed = start > 0;
    return await streamBody(res, start, job, url);
  } finally {
    discardBody(res.body);
  }
}

async function resumePoint(job: DownloadJob, url: string): Promise<{ offset: number; ifRange: string | undefined }> {
  const offset = await job.partial.size();
  if (offset === 0) return { offset, ifRange: undefined };
  const meta = await job.partial.readMeta();
  const tooLong = job.expected.size !== undefined && offset > job.expected.size;
  if (tooLong || !canResume(meta, url, job.expected)) {
    await job.partial.discard();
    return { offset: 0, ifRange: undefined };
  }
  return { offset, ifRange: meta?.url === url ? rangeValidator(meta) : undefined };
}

/** A previous run fetched every byte but stopped before the rename: verify and commit without a request. */
async function finishCompletePartial(job: DownloadJob): Promise<Downloaded | undefined> {
  const { digest, size, hex } = await hashFileAlso(job.partial.path, job.alsoHash);
  try {
    job.verify(size, digest);
  } catch {
    await job.partial.discard();
    return undefined;
  }
  job.reportPosition(size);
  await job.partial.commit();
  return withAlso({ digest, size }, job, hex);
}

/** Decides from the status where the body's bytes go: appended at `offset` (206) or from zero (200). */
async function startingOffset(res: OpenResponse, offset: number, job: DownloadJob): Promise<number> {
  const { expected, label } = job;
  if (res.status === 416) {
    await job.partial.discard();
    throw new TransientError(`${label}: the server cannot resume at byte ${offset}; starting over`, { restartNow: true });
  }
  if (res.status === 206 && offset > 0) {
    const range = parseContentRange(header(res.headers, 'content-range'));
    if (range === undefined || range.start !== offset) {
      await job.partial.discard();
      throw new TransientError(`${label}: the server resumed at the wrong place; starting over`, { restartNow: true });
    }
    if (expected.size !== undefined && (range.end >= expected.size || (range.total !== undefined && range.total !== expected.size))) {
      throw sizeRefused(label, expected.size, range.total ?? range.end + 1);
    }
    return offset;
  }
  if (res.status !== 200) {
    throw new AirlockError('HTTP_STATUS', `HTTP ${res.status} from ${res.url}, expected 200 or 206`, { details: { url: res.url, status: res.status } });
  }
  const declared = contentLength(res.headers);
  // Refuse before reading when the declared length already disagrees with the pinned size.
  if (expected.size !== undefined && declared !== undefined && declared !== expected.size) throw sizeRefused(label, expected.size, declared);
  return 0;
}

/** Streams the (attacker-controlled) body into the partial file, hashing it; verifies and commits at the end. */
async function streamBody(res: OpenResponse, start: number, job: DownloadJob, url: string): Promise<Downloaded> {
  const highWaterBefore = job.highWater;
  const digests = await job.partial.hashPrefix(start, job.alsoHash);
  const range = parseContentRange(header(res.headers, 'content-range'));
  const total = job.expected.size ?? (res.status === 206 ? range?.total : contentLength(res.headers));
  const meter = new DigestMeter(digests, start, total, job.label, (position) => job.reportPosition(position));
  const out = createWriteStream(job.partial.path, { flags: start > 0 ? 'a' : 'w' });
  // A broken connection ends the copy instead of failing it, so every received byte reaches the
  // partial file (a failed pipeline would drop what the file stream had not written yet).
  let broken: unknown;
  try {
    await pipeline(untilBroken(res.body, (err) => (broken = err)), meter, out);
  } catch (err) {
    if (!out.closed) await once(out, 'close').catch(() => undefined);
    throw attemptFailure(err, url, job, highWaterBefore);
  }
  if (broken !== undefined) throw attemptFailure(broken, url, job, highWaterBefore);
  if (total !== undefined && meter.position < total) {
    // Some servers answer an open-ended Range with a bounded chunk: keep what arrived and continue.
    throw new TransientError(`${job.label}: body ended at byte ${meter.position} of ${total}`, { progressed: job.highWater > highWaterBefore });
  }
  const result = { digest: meter.digest(), size: meter.position };
  job.verify(result.size, result.digest);
  await job.partial.commit();
  return withAlso(result, job, meter.also());
}

/** The result with `also` when the download was asked for further digests. */
export function withAlso(result: { digest: DownloadResult['digest']; size: number }, job: { alsoHash: readonly string[] }, also: Record<string, string>): Downloaded {
  return job.alsoHash.length > 0 ? { ...result, also } : result;
}

/** The body's chunks until it ends or fails; a failure is handed to `onBreak` instead of thrown. */
async function* untilBroken(body: AsyncIterable<unknown>, onBreak: (err: unknown) => void): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of body) yield chunk as Buffer;
  } catch (err) {
    onBreak(err);
  }
}

/** What an attempt that failed mid-body throws: a transient failure (noting progress) or a coded one. */
function attemptFailure(err: unknown, url: string, job: DownloadJob, highWaterBefore: number): unknown {
  const failure = classify(err, url);
  if (failure instanceof TransientError) return new TransientError(failure.message, { cause: failure.cause, progressed: job.highWater > highWaterBefore });
  return isAirlockError(failure) ? failure : fsError(err, job.partial.path, `downloading ${job.label}`);
}

/** The total from a 416's `Content-Range: bytes *\/total` (attacker-controlled header). */
function unsatisfiableTotal(res: OpenResponse): number | undefined {
  const match = /^\s*bytes\s+\*\/(\d+)\s*$/i.exec(header(res.headers, 'content-range') ?? '');
  return match ? Number(match[1]) : undefined;
}

function validators(res: OpenResponse): { etag?: string; lastModified?: string } {
  const etag = header(res.headers, 'etag');
  const lastModified = header(res.headers, 'last-modified');
  return { ...(etag === undefined ? {} : { etag }), ...(lastModified === undefined ? {} : { lastModified }) };
}

function sizeRefused(label: string, expected: number, announced: number): AirlockError {
  return new AirlockError('SIZE_MISMATCH', `${label} is announced as ${announced} bytes, expected ${expected}; refusing it`, { details: { label, expected, actual: announced } });
}
