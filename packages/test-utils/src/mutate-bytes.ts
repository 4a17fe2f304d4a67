import fc from 'fast-check';

/** A byte range that deserves most of the mutations, e.g. the size field of a tar header. */
export type Hotspot = readonly [start: number, length: number];

export interface ByteMutationOptions {
  /** Regions to aim at; positions elsewhere are still chosen, less often. */
  hotspots?: readonly Hotspot[];
  /** Most mutations applied to one input (default 4). */
  maxOps?: number;
}

/** Values that break parsers more often than random ones: bounds, NUL, ASCII digits and spaces. */
const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x20, 0x0a, 0x0d, 0x30, 0x37, 0x38, 0x2f, 0x2e];
const INTERESTING_RUNS = ['0', '7', '8', ' ', '\0', '77777777777', '777777777777', '-1', '../', '/', '\x80', '00000000000\0', '99999999999'];

type Position = { spot: number; offset: number } | { anywhere: number };

type ByteOp =
  | { op: 'flip'; at: Position; bit: number }
  | { op: 'set'; at: Position; value: number }
  | { op: 'write'; at: Position; text: string }
  | { op: 'insert'; at: Position; bytes: Uint8Array }
  | { op: 'delete'; at: Position; length: number }
  | { op: 'repeat'; at: Position; length: number; times: number }
  | { op: 'truncate'; at: Position }
  | { op: 'splice'; at: Position; from: number; start: number; length: number };

/**
 * Inputs made from real valid bytes by a few mutations: bit flips, interesting bytes and strings
 * written over a field, inserted, deleted or repeated runs, truncation, and splices from another
 * seed. The mutations shrink, so a failure is reported with the smallest edit that shows it.
 */
export function mutatedBytes(seeds: Uint8Array | readonly Uint8Array[], o: ByteMutationOptions = {}): fc.Arbitrary<Buffer> {
  const list = (seeds instanceof Uint8Array ? [seeds] : seeds).map((s) => Buffer.from(s));
  if (list.length === 0) throw new Error('mutatedBytes needs at least one seed');
  const hotspots = o.hotspots ?? [];
  const position: fc.Arbitrary<Position> =
    hotspots.length === 0
      ? fc.record({ anywhere: fc.nat() })
      : fc.oneof({ arbitrary: fc.record({ spot: fc.nat(), offset: fc.nat() }), weight: 3 }, { arbitrary: fc.record({ anywhere: fc.nat() }), weight: 1 });
  const op: fc.Arbitrary<ByteOp> = fc.oneof(
    fc.record({ op: fc.constant('flip' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ op: fc.constant('set' as const), at: position, value: fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: 0, max: 255 })) }),
    fc.record({ op: fc.constant('write' as const), at: position, text: fc.constantFrom(...INTERESTING_RUNS) }),
    fc.record({ op: fc.constant('insert' as const), at: position, bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
    fc.record({ op: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 600 }) }),
    fc.record({ op: fc.constant('repeat' as const), at: position, length: fc.integer({ min: 1, max: 64 }), times: fc.integer({ min: 2, max: 200 }) }),
    fc.record({ op: fc.constant('truncate' as const), at: position }),
    fc.record({ op: fc.constant('splice' as const), at: position, from: fc.nat(), start: fc.nat(), length: fc.integer({ min: 1, max: 1024 }) }),
  );
  return fc
    .record({ seed: fc.nat(), ops: fc.array(op, { minLength: 1, maxLength: o.maxOps ?? 4 }) })
    .map(({ seed, ops }) => ops.reduce((bytes, mutation) => apply(bytes, mutation, list, hotspots), list[seed % list.length] as Buffer));
}

function apply(bytes: Buffer, m: ByteOp, seeds: Buffer[], hotspots: readonly Hotspot[]): Buffer {
  const at = resolve(m.at, bytes.length, hotspots);
  switch (m.op) {
    case 'flip':
      return replaced(bytes, at, Buffer.from([(bytes[at] ?? 0) ^ (1 << m.bit)]));
    case 'set':
      return replaced(bytes, at, Buffer.from([m.value]));
    case 'write':
      return replaced(bytes, at, Buffer.from(m.text, 'latin1'));
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), m.bytes, bytes.subarray(at)]);
    case 'delete':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.length)]);
    case 'repeat': {
      const run = bytes.subarray(at, at + m.length);
      return Buffer.concat([bytes.subarray(0, at), ...Array.from({ length: m.times }, () => run), bytes.subarray(at + run.length)]);
    }
    case 'truncate':
      return bytes.subarray(0, at);
    case 'splice': {
      const donor = seeds[m.from % seeds.length] as Buffer;
      const start = donor.length === 0 ? 0 : m.start % donor.length;
      return replaced(bytes, at, donor.subarray(start, start + m.length));
    }
  }
}

/** A position inside `length` bytes (or at its end), preferring the hotspots that fit. */
function resolve(at: Position, length: number, hotspots: readonly Hotspot[]): number {
  if ('spot' in at) {
    const fitting = hotspots.filter(([start]) => start < length);
    const spot = fitting[at.spot % Math.max(1, fitting.length)];
    if (spot) return spot[0] + (at.offset % Math.max(1, Math.min(spot[1], length - spot[0])));
    return length === 0 ? 0 : at.spot % length;
  }
  return length === 0 ? 0 : at.anywhere % (length + 1);
}

/** `bytes` with `patch` written at `at`, overwriting (and growing the buffer if it runs past the end). */
function replaced(bytes: Buffer, at: number, patch: Uint8Array): Buffer {
  const out = Buffer.alloc(Math.max(bytes.length, at + patch.length));
  bytes.copy(out);
  out.set(patch, at);
  return out;
}
