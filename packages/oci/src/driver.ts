import type { Driver } from '@airlock/core';
import { describeOci } from './describe.js';
import { ociLocalFiles } from './local-files.js';
import { parseOciCatalog } from './parse-catalog.js';
import { parseOciSpec } from './parse-spec.js';
import { publishOci } from './publish.js';
import { resolveOci } from './resolve.js';
import { reverifyOci } from './reverify.js';
import type { OciCatalog, OciSpec } from './types.js';

/** Container images from registries, OCI layouts and docker archives, published as an OCI layout under `oci/<source>/`. */
export const ociDriver: Driver<OciSpec, OciCatalog> = {
  type: 'oci',
  parseSpec: parseOciSpec,
  resolve: resolveOci,
  parseCatalog: parseOciCatalog,
  reverify: reverifyOci,
  publish: publishOci,
  describe: describeOci,
  localFiles: ociLocalFiles,
};
