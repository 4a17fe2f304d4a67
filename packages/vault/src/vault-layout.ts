import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AirlockError, digestHex, isDigest, type Digest } from '@airlock/core';

const TEMP_NAME_RE = /^(\d+)-[0-9a-f]+\.tmp$/;

let tempPrefix: string | undefined;
let tempCounter = 0;

/**
 * The name of a temp file owned by process `pid`, so a later run can tell live writes from crash
 * leftovers: random once per process, then counted (a volume of 100,000 small blobs makes as many).
 */
export function tempName(pid: number): string {
  tempPrefix ??= randomBytes(8).toString('hex');
  return `${pid}-${tempPrefix}${(tempCounter++).toString(16).padStart(8, '0')}.tmp`;
}

/** The owning process id of a temp file name, or null when the name is not one the vault makes. */
export function tempOwner(name: string): number | null {
  const match = TEMP_NAME_RE.exec(name);
  return match ? Number(match[1]) : null;
}

/**
 * Where everything lives under the vault root. Digests and indexes become path components, so
 * they are checked here, whoever calls: a malformed digest must never reach the filesystem.
 */
export class VaultLayout {
  readonly tempDir: string;
  readonly blobsDir: string;
  readonly partsDir: string;
  readonly modesDir: string;

  constructor(readonly root: string) {
    this.tempDir = join(root, 'tmp');
    this.blobsDir = join(root, 'sha256');
    this.partsDir = join(root, 'parts');
    this.modesDir = join(root, 'modes');
  }

  blobPath(digest: Digest): string {
    const hex = checkedHex(digest);
    return join(this.blobsDir, hex.slice(0, 2), hex);
  }

  partsDirOf(blob: Digest): string {
    return join(this.partsDir, checkedHex(blob));
  }

  /**
   * Parts are keyed by their own digest, not their index: bundles that split the same blob at other
   * boundaries (another volume size, a re-carry) bring other parts, and those must never be confused.
   */
  partPath(blob: Digest, part: Digest): string {
    return join(this.partsDirOf(blob), checkedHex(part));
  }

  /** A blob copy with a fixed mode; `mode` has already been reduced to permission bits. */
  modeCopyPath(digest: Digest, mode: number): string {
    const hex = checkedHex(digest);
    return join(this.modesDir, mode.toString(8).padStart(4, '0'), hex.slice(0, 2), hex);
  }

  newTempPath(): string {
    return join(this.tempDir, tempName(process.pid));
  }
}

function checkedHex(digest: Digest): string {
  if (!isDigest(digest)) throw new AirlockError('MANIFEST_INVALID', `not a sha256 digest: ${JSON.stringify(digest)}`);
  return digestHex(digest);
}
