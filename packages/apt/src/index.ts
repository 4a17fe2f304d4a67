export { aptDriver } from './driver.js';
export { compareDebVersions, satisfiesVersion, parseDebVersion, type DebVersion, type RelationOp } from './version.js';
export { parseRelations, type Relation } from './relations.js';
export { readStanzas, parseStanza } from './deb822.js';
export { readIndexEntries } from './index-entries.js';
export { indexEntries } from './fetch-index.js';
export { AptUniverse } from './universe.js';
export { readPackageEntry, type PackageEntry } from './package-entry.js';
export type { AptSpec, AptCatalog, CarriedDist, CarriedIndex, CarriedRelease } from './types.js';
