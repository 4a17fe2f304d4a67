export { rpmDriver } from './driver.js';
export { rpmvercmp, compareEvr, parseEvr, formatEvr } from './vercmp.js';
export { satisfies, parseRequest, formatDependency } from './dependency.js';
export { readRpmHeaders, RpmHeader, type RpmHeaders } from './rpm-header.js';
export { packageMeta, type PackageMeta } from './header-package.js';
export { writePackageMetadata } from './publish.js';
export { parsePrimary } from './parse-primary.js';
export type * from './types.js';
