export { filesDriver } from './driver.js';
export type { FilesSpec, FilesUrlSource, FilesCatalog, FilesEntry, FileEntry, DirEntry, SymlinkEntry } from './types.js';
