import type { Driver } from '@airlock/core';
import { describeSimplestreams } from './describe.js';
import { simplestreamsLocalFiles } from './local-files.js';
import { mergeSimplestreams } from './merge.js';
import { parseSimplestreamsCatalog } from './parse-catalog.js';
import { parseSimplestreamsSpec } from './parse-spec.js';
import { publishSimplestreams } from './publish.js';
import { resolveSimplestreams } from './resolve.js';
import { reverifySimplestreams } from './reverify.js';
import type { SimplestreamsCatalog, SimplestreamsSpec } from './types.js';

/** MAAS boot images: a filtered, verified copy of a simplestreams mirror in, a site-signed mirror out, under `simplestreams/<source>/`. */
export const simplestreamsDriver: Driver<SimplestreamsSpec, SimplestreamsCatalog> = {
  type: 'simplestreams',
  parseSpec: parseSimplestreamsSpec,
  resolve: resolveSimplestreams,
  parseCatalog: parseSimplestreamsCatalog,
  reverify: reverifySimplestreams,
  merge: mergeSimplestreams,
  publish: publishSimplestreams,
  describe: describeSimplestreams,
  localFiles: simplestreamsLocalFiles,
};
