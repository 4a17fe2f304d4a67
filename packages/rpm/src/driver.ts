import type { Driver } from '@airlock/core';
import { describeRpm } from './describe.js';
import { rpmLocalFiles } from './local-files.js';
import { parseRpmCatalog } from './parse-catalog.js';
import { parseRpmSpec } from './parse-spec.js';
import { publishRpm } from './publish.js';
import { resolveRpm } from './resolve.js';
import { reverifyRpm } from './reverify.js';
import type { RpmCatalog, RpmSpec } from './types.js';

/** yum/dnf repositories: a package selection and its dependency closure, republished with signed repodata. */
export const rpmDriver: Driver<RpmSpec, RpmCatalog> = {
  type: 'rpm',
  parseSpec: parseRpmSpec,
  resolve: resolveRpm,
  parseCatalog: parseRpmCatalog,
  reverify: reverifyRpm,
  publish: publishRpm,
  describe: describeRpm,
  localFiles: rpmLocalFiles,
};
