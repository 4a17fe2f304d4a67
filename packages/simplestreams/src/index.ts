export { simplestreamsDriver } from './driver.js';
export { checkProductsFile, type ProductsReport } from './conformance/products-file.js';
export type { ProductsShape } from './conformance/products-models.js';
export { checkIndexFile, type IndexReport } from './conformance/index-file.js';
export { checkPublishedMirror, type MirrorReport } from './conformance/mirror.js';
export { parseFilter, matchesAll, type Filter } from './filters.js';
export { mergeSimplestreams } from './merge.js';
export type { SimplestreamsSpec, SimplestreamsCatalog, CarriedDocument, CarriedVersion, CarriedItem, CustomVersion } from './types.js';
