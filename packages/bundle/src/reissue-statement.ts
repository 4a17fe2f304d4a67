import { join } from 'node:path';
import { AirlockError, asAirlockError, canonicalJson, isAirlockError, isSha256Hex, readFileLimited } from '@airlock/core';
import type { Manifest, ManifestVolume } from './manifest-types.js';
import { SIGNATURE_SUFFIX } from './names.js';
import type { VerifyDetached } from './read-manifest.js';

export const REISSUE_FORMAT = 'airlock-volume-reissue';
export const REISSUE_SUFFIX = '.reissue.json';
const MAX_STATEMENT_BYTES = 64 << 10;

/**
 * A signed statement that volume `number` of a bundle was packed again and now has this size and
 * sha256. It is needed only when the re-packed file differs from the original (another zstd
 * build); it can change nothing but the expected file size and digest: which entries a volume
 * holds, and every entry's digest, still come from the signed manifest it names.
 */
export interface ReissueStatement {
  format: typeof REISSUE_FORMAT;
  version: 1;
  bundle: string;
  channel: string;
  sequence: number;
  /** Hex sha256 of the manifest bytes the statement is bound to. */
  manifestSha256: string;
  volume: { number: number; name: string; size: number; sha256: string };
  createdAt: string;
}

export function reissueStatementName(volumeName: string): string {
  return `${volumeName}${REISSUE_SUFFIX}`;
}

export function encodeReissueStatement(s: ReissueStatement): Buffer {
  return Buffer.from(canonicalJson(s), 'utf8');
}

/**
 * The volume as a valid reissue statement beside it describes it, or the manifest's volume when
 * there is none. The statement (attacker-controlled until verified) must be signed by the key
 * that signed the manifest (`signer`), name this very manifest (`manifestSha256`) and this volume.
 */
export async function volumeAsIssued(dir: string, manifest: Manifest, manifestSha256: string, signer: string, volume: ManifestVolume, verify: VerifyDetached): Promise<ManifestVolume> {
  const name = reissueStatementName(volume.name);
  let bytes: Buffer;
  try {
    bytes = await readFileLimited(join(dir, name), MAX_STATEMENT_BYTES, name);
  } catch (err) {
    if (isAirlockError(err, 'SOURCE_NOT_FOUND')) return volume;
    throw err;
  }
  const signature = await readFileLimited(join(dir, `${name}${SIGNATURE_SUFFIX}`), MAX_STATEMENT_BYTES, `${name}${SIGNATURE_SUFFIX}`).catch((err: unknown) => {
    throw asAirlockError(err, 'SIGNATURE_MISSING', `${name} has no signature ${name}${SIGNATURE_SUFFIX}; copy both files of the reissued volume`);
  });
  let fingerprint: string;
  try {
    fingerprint = (await verify(bytes, signature)).fingerprint.toUpperCase();
  } catch (err) {
    throw asAirlockError(err, 'SIGNATURE_INVALID', `the signature of ${name} does not verify`);
  }
  if (fingerprint !== signer) {
    throw new AirlockError('SIGNATURE_INVALID', `${name} is signed by ${fingerprint}, not by ${signer} who signed the bundle; refusing it`, { details: { signer: fingerprint, bundleSigner: signer } });
  }
  const s = parseStatement(bytes, name);
  if (s.bundle !== manifest.id || s.manifestSha256 !== manifestSha256 || s.volume.number !== volume.number || s.volume.name !== volume.name) {
    throw new AirlockError('VOLUME_UNKNOWN', `${name} reissues volume ${s.volume.number} of ${s.bundle} (manifest ${s.manifestSha256.slice(0, 12)}…), not ${volume.name} of this bundle; remove it, or bring the statement made for this bundle`, {
      details: { statement: s.bundle, manifestSha256: s.manifestSha256, number: s.volume.number },
    });
  }
  return { ...volume, size: s.volume.size, sha256: s.volume.sha256 };
}

function parseStatement(bytes: Buffer, name: string): ReissueStatement {
  let raw: Partial<ReissueStatement>;
  try {
    raw = JSON.parse(bytes.toString('utf8')) as Partial<ReissueStatement>;
  } catch (err) {
    throw asAirlockError(err, 'MANIFEST_INVALID', `${name} is not valid JSON`);
  }
  const v = raw?.volume;
  const ok = raw?.format === REISSUE_FORMAT && raw.version === 1 && typeof raw.bundle === 'string' && typeof raw.channel === 'string'
    && Number.isSafeInteger(raw.sequence) && isSha256Hex(raw.manifestSha256) && typeof raw.createdAt === 'string'
    && typeof v === 'object' && v !== null && Number.isSafeInteger(v.number) && typeof v.name === 'string'
    && Number.isSafeInteger(v.size) && v.size >= 0 && isSha256Hex(v.sha256);
  if (!ok) throw new AirlockError('MANIFEST_INVALID', `${name} is not a volume reissue statement (${REISSUE_FORMAT} version 1)`);
  return raw as ReissueStatement;
}
