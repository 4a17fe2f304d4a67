import { AirlockError, isAirlockError, type Fetcher } from '@airlock/core';
import { isFlat } from './parse-spec.js';
import type { CarriedRelease } from './types.js';

const MAX_RELEASE_BYTES = 32 << 20;

/** The directory holding a suite's Release: `dists/<suite>/`, or the flat path itself. */
export function distUrl(base: string, suite: string): string {
  if (isFlat(suite)) return new URL(suite === './' || suite === '/' ? '' : suite, base).toString();
  return new URL(`dists/${suite}/`, base).toString();
}

/** Fetches InRelease, falling back to Release + Release.gpg as apt does. Nothing is trusted yet. */
export async function fetchRelease(fetcher: Fetcher, dir: string): Promise<CarriedRelease> {
  const inRelease = await getOptional(fetcher, `${dir}InRelease`);
  if (inRelease !== undefined) return { kind: 'inrelease', text: utf8(inRelease, `${dir}InRelease`) };
  const release = await getOptional(fetcher, `${dir}Release`);
  if (release === undefined) throw new AirlockError('SOURCE_NOT_FOUND', `neither ${dir}InRelease nor ${dir}Release exists: check url and suites`);
  const signature = await getOptional(fetcher, `${dir}Release.gpg`);
  if (signature === undefined) {
    throw new AirlockError('SIGNATURE_MISSING', `${dir}Release is not signed (no InRelease, no Release.gpg): airlock mirrors only signed repositories`);
  }
  return { kind: 'detached', text: utf8(release, `${dir}Release`), signatureBase64: signature.toString('base64') };
}

async function getOptional(fetcher: Fetcher, url: string): Promise<Buffer | undefined> {
  try {
    return await fetcher.getBytes(url, { maxBytes: MAX_RELEASE_BYTES });
  } catch (err) {
    const status = isAirlockError(err, 'HTTP_STATUS') ? err.details?.status : undefined;
    if (status === 404 || status === 410) return undefined;
    throw err;
  }
}

function utf8(bytes: Buffer, label: string): string {
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) throw new AirlockError('UPSTREAM_INVALID', `${label} is not UTF-8 text`);
  return text;
}
