import { AirlockError, asAirlockError, canonicalJson, type AnyDriver, type Digest } from '@airlock/core';
import type { SiteState } from '@airlock/state';
import { putBytes, readVerifiedBytes, type Vault } from '@airlock/vault';
import { failpoint } from '../failpoint.js';

const CATALOG_LIMIT = 512 << 20;

/** A catalog from the vault, re-hashed against its digest, then validated by its driver. */
export async function readCatalog(vault: Vault, driver: AnyDriver, digest: Digest, label: string): Promise<unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse((await readVerifiedBytes(vault, digest, CATALOG_LIMIT, `the catalog of ${label}`)).toString('utf8'));
  } catch (err) {
    throw asAirlockError(err, 'MANIFEST_INVALID', `the catalog of ${label} (${digest}) cannot be read`);
  }
  return driver.parseCatalog(raw);
}

/**
 * The driver's merge of the effective catalog the site publishes with a newer bundle's catalog,
 * stored in the vault as canonical JSON (and indexed, so receipts see it). What is returned is
 * what a later rebuild will read back: the stored bytes, parsed again by the driver.
 */
export async function mergeCatalogs(
  io: { vault: Vault; state: SiteState },
  driver: AnyDriver & { merge: NonNullable<AnyDriver['merge']> },
  previous: unknown,
  next: unknown,
  label: string,
): Promise<{ digest: Digest; catalog: unknown }> {
  let bytes: Buffer;
  try {
    bytes = Buffer.from(canonicalJson(driver.merge(previous, next)));
  } catch (err) {
    throw asAirlockError(err, 'PUBLISH_FAILED', `merging the history of ${label} with its new catalog failed; the current publication is unchanged`);
  }
  if (bytes.length > CATALOG_LIMIT) throw new AirlockError('PUBLISH_FAILED', `the merged catalog of ${label} is ${bytes.length} bytes, more than the ${CATALOG_LIMIT} allowed; lower the history the source keeps`);
  const catalog = driver.parseCatalog(JSON.parse(bytes.toString('utf8')));
  const { digest, result } = await putBytes(io.vault, bytes, `the merged catalog of ${label}`);
  if (result === 'added') io.state.recordBlob(digest, bytes.length);
  failpoint('publish:after-merge-stored');
  return { digest, catalog };
}
