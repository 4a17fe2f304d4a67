import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isMissingFileError } from '@airlock/core';
import { pipeline } from 'node:stream/promises';
import { parseRange, type RangeRequest } from './byte-range.js';
import { contentTypeOf } from './content-type.js';
import { sendText } from './respond.js';

// O_NONBLOCK: opening a FIFO must not hang the request; it is refused after fstat instead.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Sends one regular file with validators and single-range support. The file is opened before
 * anything is sent, so a publication switched mid-response keeps streaming from the old snapshot.
 */
export async function sendFile(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    try {
      handle = await open(path, OPEN_FLAGS);
    } catch (err) {
      // ELOOP: O_NOFOLLOW met a symlink swapped in after the checks. Anything else is a failure.
      if (!isMissingFileError(err) && (err as NodeJS.ErrnoException).code !== 'ELOOP') throw err;
      sendText(req, res, 404, 'not found');
      return;
    }
    const info = await handle.stat();
    if (!info.isFile()) {
      sendText(req, res, 404, 'not found');
      return;
    }
    const etag = entityTag(info);
    const lastModified = info.mtime.toUTCString();
    const validators = { ETag: etag, 'Last-Modified': lastModified };
    if (notModified(req, etag, info.mtime)) {
      res.writeHead(304, validators);
      res.end();
      return;
    }
    const range = rangeOf(req, etag, lastModified, info.size);
    if (range.kind === 'unsatisfiable') {
      sendText(req, res, 416, 'requested range not satisfiable', { 'Content-Range': `bytes */${info.size}` });
      return;
    }
    const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, info.size - 1];
    res.writeHead(range.kind === 'partial' ? 206 : 200, {
      ...validators,
      'Content-Type': contentTypeOf(path),
      'Content-Length': end - start + 1,
      'Accept-Ranges': 'bytes',
      'X-Content-Type-Options': 'nosniff',
      ...(range.kind === 'partial' ? { 'Content-Range': `bytes ${start}-${end}/${info.size}` } : {}),
    });
    if (req.method === 'HEAD' || info.size === 0) {
      res.end();
      return;
    }
    const body = handle.createReadStream({ start, end, autoClose: true });
    handle = undefined; // the stream owns and closes it now
    await pipeline(body, res).catch(() => undefined); // the client went away; nothing to answer
  } finally {
    await handle?.close();
  }
}

function entityTag(info: Stats): string {
  return `"${info.ino.toString(16)}-${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
}

function notModified(req: IncomingMessage, etag: string, mtime: Date): boolean {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    return ifNoneMatch.split(',').some((tag) => {
      const t = tag.trim();
      return t === '*' || t.replace(/^W\//, '') === etag;
    });
  }
  const since = Date.parse(req.headers['if-modified-since'] ?? '');
  return !Number.isNaN(since) && Math.floor(mtime.getTime() / 1000) * 1000 <= since;
}

/** A Range counts only while If-Range (if sent) still names this version of the file. */
function rangeOf(req: IncomingMessage, etag: string, lastModified: string, size: number): RangeRequest {
  const ifRange = req.headers['if-range'];
  if (ifRange !== undefined && ifRange !== etag && ifRange !== lastModified) return { kind: 'whole' };
  return parseRange(req.headers.range, size);
}
