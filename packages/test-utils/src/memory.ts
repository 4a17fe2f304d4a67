import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collectGarbage: (() => void) | undefined;

/**
 * Runs `work` and returns how far the process's peak RSS (getrusage maxrss, which the kernel keeps,
 * so a buffer allocated and dropped between samples still counts) rose during it. Only a spike above
 * everything the process used before shows; the bombs the tests use would spike by hundreds of MiB.
 */
export async function peakRssGrowth(work: () => Promise<void>): Promise<number> {
  if (collectGarbage === undefined) {
    setFlagsFromString('--expose-gc');
    collectGarbage = runInNewContext('gc') as () => void;
  }
  collectGarbage();
  const before = process.resourceUsage().maxRSS * 1024;
  await work();
  return process.resourceUsage().maxRSS * 1024 - before;
}
