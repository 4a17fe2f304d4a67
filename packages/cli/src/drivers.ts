import { DriverRegistry } from '@airlock/engine';
import { aptDriver } from '@airlock/apt';
import { filesDriver } from '@airlock/files';
import { ociDriver } from '@airlock/oci';
import { rpmDriver } from '@airlock/rpm';
import { simplestreamsDriver } from '@airlock/simplestreams';
import { snapDriver } from '@airlock/snap';

/** Every content type this build of airlock knows. */
export function defaultRegistry(): DriverRegistry {
  return new DriverRegistry([filesDriver, aptDriver, ociDriver, rpmDriver, simplestreamsDriver, snapDriver]);
}
