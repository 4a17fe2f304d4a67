export { snapDriver } from './driver.js';
export { createSnapStoreHandler } from './store-api/handler.js';
export { snapRootAnchors, builtinRoots, readRootFile, siteRoots, SNAP_ROOT_KIND } from './assertions/roots.js';
export { AssertionChain, type TrustedRoots } from './assertions/chain.js';
export { readAssertion, type Assertion, type AccountKey, type Account, type SnapDeclaration, type SnapRevision } from './assertions/model.js';
export { decodeAssertion, splitAssertions, encodeStream } from './assertions/decode.js';
export { mergeSnapCatalogs } from './merge.js';
export type { SnapSpec, SnapCatalog, CatalogRevision, CatalogChannel } from './types.js';
