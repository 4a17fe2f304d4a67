import type { Driver } from '@airlock/core';
import { describeApt } from './describe.js';
import { aptLocalFiles } from './local-files.js';
import { parseAptCatalog } from './parse-catalog.js';
import { parseAptSpec } from './parse-spec.js';
import { publishApt } from './publish.js';
import { resolveApt } from './resolve.js';
import { reverifyApt } from './reverify.js';
import type { AptCatalog, AptSpec } from './types.js';

/** Debian/Ubuntu archives: a verified dependency closure in, a site-signed apt repository out, under `apt/<source>/`. */
export const aptDriver: Driver<AptSpec, AptCatalog> = {
  type: 'apt',
  parseSpec: parseAptSpec,
  resolve: resolveApt,
  parseCatalog: parseAptCatalog,
  reverify: reverifyApt,
  publish: publishApt,
  describe: describeApt,
  localFiles: aptLocalFiles,
};
