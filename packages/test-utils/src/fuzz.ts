import { appendFileSync } from 'node:fs';
import fc from 'fast-check';
import { ERROR_CODES, isAirlockError, type ErrorCode } from '@airlock/core';

export interface FuzzOptions<T> {
  /** Names the target in failures and in the figures file. */
  target: string;
  /** Cases to run; AIRLOCK_FUZZ_RUNS overrides it for every target. */
  numRuns: number;
  /** Longest one case may take (default 2 s). Async cases are cut off there; sync ones are measured. */
  timeLimitMs?: number;
  /** Largest rise of the process's peak RSS one case may cause (default 256 MiB). */
  memoryLimitBytes?: number;
  /** Only these codes may come out (default: any code but INTERNAL). */
  codes?: readonly ErrorCode[];
  /** Concrete inputs run before the random ones: recorded fuzzer findings, kept as regression cases. */
  examples?: T[];
}

export interface FuzzReport {
  target: string;
  cases: number;
  /** Cases the code under test accepted (returned without throwing). */
  accepted: number;
  /** Cases refused, by error code. */
  refused: Partial<Record<ErrorCode, number>>;
}

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

/**
 * Runs `fn` on inputs from `arbitrary` and fails on the first case that throws anything but a
 * coded AirlockError (INTERNAL counts as a bug), takes longer than the time limit, or raises the
 * peak RSS by more than the memory limit. fast-check then shrinks the input and prints it with
 * the seed; AIRLOCK_FUZZ_SEED replays a run, AIRLOCK_FUZZ_RUNS runs more (or fewer) cases, and
 * AIRLOCK_FUZZ_REPORT names a file that receives one JSON line of figures per target.
 */
export async function expectOnlyCodedErrors<T>(arbitrary: fc.Arbitrary<T>, fn: (input: T) => unknown, options: FuzzOptions<T>): Promise<FuzzReport> {
  const report: FuzzReport = { target: options.target, cases: 0, accepted: 0, refused: {} };
  const limits = { timeMs: options.timeLimitMs ?? 2000, memoryBytes: options.memoryLimitBytes ?? 256 << 20 };
  const allowed = options.codes ? new Set<string>(options.codes) : undefined;
  const seed = numberFromEnv('AIRLOCK_FUZZ_SEED');
  const property = fc.asyncProperty(arbitrary, async (input) => {
    report.cases++;
    const code = await runCase(() => fn(input), limits, options.target);
    if (code === undefined) {
      report.accepted++;
      return;
    }
    if (code === 'INTERNAL' || (allowed && !allowed.has(code))) throw new Error(`${options.target}: refused with code ${code}, which is not allowed here`);
    report.refused[code] = (report.refused[code] ?? 0) + 1;
  });
  await fc.assert(property, {
    numRuns: numberFromEnv('AIRLOCK_FUZZ_RUNS') ?? options.numRuns,
    includeErrorInReport: true,
    ...(seed === undefined ? {} : { seed }),
    ...(options.examples ? { examples: options.examples.map((e): [T] => [e]) } : {}),
  });
  const file = process.env.AIRLOCK_FUZZ_REPORT;
  if (file) appendFileSync(file, `${JSON.stringify(report)}\n`);
  return report;
}

/** Runs one case; returns the refusal's code, or undefined when the input was accepted. */
async function runCase(call: () => unknown, limits: { timeMs: number; memoryBytes: number }, target: string): Promise<ErrorCode | undefined> {
  const peakBefore = peakRssBytes();
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FuzzLimitError(`${target}: a case did not finish within ${limits.timeMs} ms (hang)`)), limits.timeMs);
  });
  let caught: unknown;
  try {
    await Promise.race([Promise.resolve().then(call), hang]);
  } catch (err) {
    caught = err;
  } finally {
    clearTimeout(timer);
  }
  const elapsed = performance.now() - started;
  const grown = peakRssBytes() - peakBefore;
  if (caught instanceof FuzzLimitError) throw caught;
  if (elapsed > limits.timeMs) throw new FuzzLimitError(`${target}: a case took ${Math.round(elapsed)} ms, more than ${limits.timeMs} ms`);
  if (grown > limits.memoryBytes) throw new FuzzLimitError(`${target}: a case raised peak memory by ${grown >> 20} MiB, more than ${limits.memoryBytes >> 20} MiB`);
  if (caught === undefined) return undefined;
  if (!isAirlockError(caught) || !KNOWN_CODES.has(caught.code)) {
    const what = caught instanceof Error ? `${caught.name}: ${caught.message}\n${caught.stack ?? ''}` : String(caught);
    throw new Error(`${target}: an untyped error came out instead of a coded AirlockError: ${what}`, { cause: caught });
  }
  if (typeof caught.message !== 'string' || caught.message.trim() === '') throw new Error(`${target}: ${caught.code} came out without a message for the operator`);
  return caught.code;
}

class FuzzLimitError extends Error {}

/** maxRSS only ever grows, so a rise during a case is memory that case made the process hold at once. */
function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

function numberFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be a whole number, not ${JSON.stringify(raw)}`);
  return value;
}
