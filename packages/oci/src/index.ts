export { ociDriver } from './driver.js';
export { createRegistryHandler, type RegistryHandler } from './registry-handler.js';
export { pushPublication, type PushOptions, type PushResult } from './push.js';
export type { OciSpec, ImageSpec, OciCatalog, CatalogImage, CatalogBlob } from './types.js';
