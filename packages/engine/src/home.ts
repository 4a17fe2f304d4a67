import { join } from 'node:path';

/** Where airlock keeps its state on either side of the gap. */
export interface AirlockHome {
  root: string;
  /** Import side */
  stateDb: string;
  vault: string;
  publish: string;
  bundles: string;
  siteKey: string;
  sitePublicKey: string;
  /** Export side */
  exportDb: string;
  cache: string;
  exportLock: string;
  /** Import side: held by import, receipt and rollback */
  lock: string;
}

export function airlockHome(root: string): AirlockHome {
  return {
    root,
    stateDb: join(root, 'state.db'),
    vault: join(root, 'vault'),
    publish: join(root, 'publish'),
    bundles: join(root, 'bundles'),
    siteKey: join(root, 'keys', 'site.key'),
    sitePublicKey: join(root, 'keys', 'site.pub.asc'),
    exportDb: join(root, 'export.db'),
    cache: join(root, 'cache'),
    exportLock: join(root, 'export-lock.db'),
    lock: join(root, 'site-lock.db'),
  };
}
