import type { Driver } from '@airlock/core';
import { describeFiles } from './describe.js';
import { filesLocalFiles } from './local-files.js';
import { parseFilesCatalog } from './parse-catalog.js';
import { parseFilesSpec } from './parse-spec.js';
import { publishFiles } from './publish.js';
import { resolveFiles } from './resolve.js';
import type { FilesCatalog, FilesSpec } from './types.js';

/** Plain files and directory trees, from local paths and URLs, published under `files/<source>/`. */
export const filesDriver: Driver<FilesSpec, FilesCatalog> = {
  type: 'files',
  parseSpec: parseFilesSpec,
  resolve: resolveFiles,
  parseCatalog: parseFilesCatalog,
  publish: publishFiles,
  describe: describeFiles,
  localFiles: filesLocalFiles,
};
