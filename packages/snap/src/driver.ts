import type { Driver } from '@airlock/core';
import { describeSnap } from './describe.js';
import { snapLocalFiles } from './local-files.js';
import { snapRootAnchors } from './assertions/roots.js';
import { mergeSnapCatalogs } from './merge.js';
import { parseSnapCatalog } from './parse-catalog.js';
import { parseSnapSpec } from './parse-spec.js';
import { publishSnap } from './publish.js';
import { resolveSnap } from './resolve.js';
import { reverifySnap } from './reverify.js';
import type { SnapCatalog, SnapSpec } from './types.js';

/** Snaps with their store assertions, verified on both sides, published as a side-load area and a store API. */
export const snapDriver: Driver<SnapSpec, SnapCatalog> = {
  type: 'snap',
  trustAnchors: snapRootAnchors,
  parseSpec: parseSnapSpec,
  resolve: resolveSnap,
  parseCatalog: parseSnapCatalog,
  reverify: reverifySnap,
  merge: mergeSnapCatalogs,
  publish: publishSnap,
  describe: describeSnap,
  localFiles: snapLocalFiles,
};
