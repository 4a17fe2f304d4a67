import { DriverRegistry } from '@airlock/engine';
import { filesDriver } from '@airlock/files';

/** Every content type this build of airlock knows. */
export function defaultRegistry(): DriverRegistry {
  return new DriverRegistry([filesDriver]);
}
