import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isMissingFileError } from '@airlock/core';
import { resolveInside } from './confine.js';
import { sendListing } from './directory-listing.js';
import { parseRequestPath, urlPathOf } from './request-path.js';
import { sendText } from './respond.js';
import { sendFile } from './send-file.js';

export const NOTHING_PUBLISHED = 'nothing is published yet; run airlock import';

/**
 * Serves the publication tree at `root`. Its real path is resolved on every request, so a switch
 * of the `current` symlink takes effect on the next request.
 */
export async function serveTree(req: IncomingMessage, res: ServerResponse, root: string): Promise<void> {
  const parsed = parseRequestPath(req.url ?? ''); // attacker-controlled
  if (!parsed.ok) {
    sendText(req, res, 400, `bad request: ${parsed.reason}`);
    return;
  }
  const realRoot = await publishedRoot(root);
  if (realRoot === null) {
    sendText(req, res, 503, NOTHING_PUBLISHED);
    return;
  }
  const target = await resolveInside(realRoot, parsed.segments);
  const info = target === null ? null : await stat(target).catch((err: unknown) => {
    if (isMissingFileError(err)) return null;
    throw err;
  });
  if (target === null || info === null) {
    sendText(req, res, 404, 'not found');
    return;
  }
  if (info.isDirectory()) {
    if (!parsed.trailingSlash) {
      const location = urlPathOf(parsed.segments, true);
      sendText(req, res, 301, `moved to ${location}`, { Location: location });
      return;
    }
    await sendListing(req, res, target, realRoot, urlPathOf(parsed.segments, true));
    return;
  }
  if (!info.isFile() || parsed.trailingSlash) {
    sendText(req, res, 404, 'not found');
    return;
  }
  await sendFile(req, res, target);
}

/** The real path of the live snapshot, or null while nothing is published. */
export async function publishedRoot(root: string): Promise<string | null> {
  try {
    const real = await realpath(root);
    return (await stat(real)).isDirectory() ? real : null;
  } catch (err) {
    if (isMissingFileError(err)) return null;
    throw err;
  }
}
