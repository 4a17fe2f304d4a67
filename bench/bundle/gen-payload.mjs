#!/usr/bin/env node
// Generates a benchmark payload tree of an exact total size.
//   incompressible: random bytes (crypto.randomFill)
//   compressible:   log, NDJSON, CSV and prose-like text that zstd -3 shrinks about 3-5x
// Layout (same for both kinds): a few large files (1/4, 1/8, 1/16 of the total), a couple
// hundred files with log-uniform sizes (4 KiB .. 16 MiB before scaling) and some tiny ones,
// spread over nested directories. Sizes and layout are reproducible from --seed; content is not
// (random bytes come from the OS), which does not matter for throughput.
//   small-files:    --count files (default 100000) of --file-size bytes (default 4096) of random
//                   bytes in 100 directories; --bytes is ignored
// Usage: gen-payload.mjs --kind incompressible|compressible|small-files --out DIR [--bytes N] [--seed S]
import { randomFillSync } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const kind = args.kind;
const out = args.out;
const total = Number(args.bytes ?? 2 * 1024 ** 3);
if (kind === 'small-files' && out) {
  const count = Number(args.count ?? 100000);
  const size = Number(args['file-size'] ?? 4096);
  const buf = Buffer.alloc(size);
  for (let i = 0; i < count; i++) {
    const dir = join(out, `d${String(i % 100).padStart(3, '0')}`);
    if (i < 100) mkdirSync(dir, { recursive: true });
    randomFillSync(buf);
    const fd = openSync(join(dir, `f${String(i).padStart(6, '0')}.bin`), 'wx', 0o644);
    try {
      writeSync(fd, buf);
    } finally {
      closeSync(fd);
    }
  }
  console.log(`${out}: ${count} files, ${count * size} bytes (small-files)`);
  process.exit(0);
}
if ((kind !== 'incompressible' && kind !== 'compressible') || !out || !Number.isSafeInteger(total) || total < 1 << 20) {
  console.error('usage: gen-payload.mjs --kind incompressible|compressible|small-files --out DIR [--bytes N>=1MiB] [--seed S] [--count N --file-size N]');
  process.exit(2);
}

/** xorshift32: fast and reproducible; quality is plenty for picking sizes and words. */
let state = (Number(args.seed ?? 1) * 2654435761) >>> 0 || 1;
const rand = () => {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state / 4294967296;
};
const int = (n) => Math.floor(rand() * n);
const pick = (list) => list[int(list.length)];

// ---- layout -------------------------------------------------------------------------------
const MEDIUM_FILES = 260;
const TINY_FILES = 40;
const large = [total / 4, total / 8, total / 16].map(Math.floor);
const tiny = Array.from({ length: TINY_FILES }, () => int(4096));
const mediumBudget = total - large.reduce((a, b) => a + b, 0) - tiny.reduce((a, b) => a + b, 0);
const raw = Array.from({ length: MEDIUM_FILES }, () => Math.exp(Math.log(4096) + rand() * (Math.log(16 << 20) - Math.log(4096))));
const scale = mediumBudget / raw.reduce((a, b) => a + b, 0);
const medium = raw.map((s) => Math.floor(s * scale));
medium[0] += mediumBudget - medium.reduce((a, b) => a + b, 0); // exact total

const TEXT_EXT = ['log', 'json', 'csv', 'txt'];
const files = [];
large.forEach((size, i) => files.push({ path: `large/${['archive', 'dump', 'image'][i]}-${i}`, size, ext: ['log', 'json', 'csv'][i] }));
[...medium, ...tiny].forEach((size, i) => {
  const dir = `d${String(int(12)).padStart(2, '0')}/s${int(4)}${rand() < 0.3 ? `/deep${int(3)}` : ''}`;
  files.push({ path: `${dir}/f${String(i).padStart(4, '0')}`, size, ext: pick(TEXT_EXT) });
});

// ---- content ------------------------------------------------------------------------------
const CHUNK = 4 << 20;

function* randomChunks(size) {
  const buf = Buffer.allocUnsafe(CHUNK);
  for (let left = size; left > 0; left -= CHUNK) {
    const n = Math.min(CHUNK, left);
    randomFillSync(buf, 0, n);
    yield buf.subarray(0, n);
  }
}

const WORDS = (
  'the of and to in is that for it as was with be by on not he this are or his from at which but have an they ' +
  'you were her all she there would their we him been has when who will more no if out so said what up its about ' +
  'into than them can only other new some could time these two may then do first any my now such like our over ' +
  'request response server client cache volume bundle import export verify digest signature manifest mirror ' +
  'package repository release index metadata checksum timeout retry connection upstream downstream channel ' +
  'snapshot publish vault storage network latency throughput memory process thread worker queue'
).split(' ');
const LEVELS = ['INFO', 'INFO', 'INFO', 'INFO', 'DEBUG', 'DEBUG', 'WARN', 'ERROR'];
const SERVICES = ['api', 'auth', 'billing', 'scheduler', 'ingest', 'search', 'gateway', 'mailer', 'indexer', 'storage'];
const METHODS = ['GET', 'GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE', 'HEAD'];
const STATUS = [200, 200, 200, 200, 200, 200, 304, 301, 404, 500, 201, 204];
const AGENTS = ['curl/8.5.0', 'Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0', 'apt/2.7.14', 'Go-http-client/1.1', 'python-requests/2.31.0', 'Debian APT-HTTP/1.3 (2.6.1)'];
const PATHS = ['/api/v1/users', '/api/v1/orders', '/api/v2/items', '/static/app.js', '/static/style.css', '/healthz', '/login', '/ubuntu/dists/noble/InRelease', '/ubuntu/pool/main/o/openssl', '/v2/library/nginx/manifests/latest'];
const CITIES = ['Berlin', 'Paris', 'Lisbon', 'Oslo', 'Tokyo', 'Nairobi', 'Lima', 'Toronto', 'Sydney', 'Madrid', 'Dublin', 'Seoul'];
const hex8 = () => (int(4294967296) >>> 0).toString(16).padStart(8, '0');
/** Phrases are pre-built and joined in pairs: per-line string building is what costs the time. */
const PHRASES = Array.from({ length: 8192 }, () => {
  let s = pick(WORDS);
  for (let i = 1 + int(5); i > 0; i--) s += ' ' + pick(WORDS);
  return s;
});
const sentence = () => `${pick(PHRASES)} ${pick(PHRASES)}`;

const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const MILLIS = Array.from({ length: 1000 }, (_, i) => `${String(i).padStart(3, '0')}Z`);

function lineMaker(ext) {
  let clock = Date.UTC(2024, 0, 1) + int(1e10);
  let day = -1;
  let prefix = '';
  const stamp = () => {
    clock += int(2000);
    const d = Math.floor(clock / 86400000);
    if (d !== day) {
      day = d;
      prefix = new Date(d * 86400000).toISOString().slice(0, 11);
    }
    const ms = clock % 86400000;
    return `${prefix}${TWO[Math.floor(ms / 3600000)]}:${TWO[Math.floor(ms / 60000) % 60]}:${TWO[Math.floor(ms / 1000) % 60]}.${MILLIS[ms % 1000]}`;
  };
  switch (ext) {
    case 'log':
      return () =>
        rand() < 0.5
          ? `${stamp()} ${pick(LEVELS).padEnd(5)} [${pick(SERVICES)}-${int(8)}] ${sentence()} id=${int(100000)} took=${int(900)}ms\n`
          : `10.${int(4)}.${int(64)}.${int(256)} - - [${stamp()}] "${pick(METHODS)} ${pick(PATHS)}/${int(5000)} HTTP/1.1" ${pick(STATUS)} ${int(60000)} "-" "${pick(AGENTS)}"\n`;
    case 'json':
      return () =>
        `{"ts":"${stamp()}","level":"${pick(LEVELS).toLowerCase()}","service":"${pick(SERVICES)}","trace":"${hex8()}","user":{"id":${int(50000)},"city":"${pick(CITIES)}"},"msg":"${sentence()}","latency_ms":${int(1500)},"ok":${rand() < 0.9}}\n`;
    case 'csv':
      return () => `${int(1e6)},${stamp()},${pick(CITIES)},${pick(SERVICES)},${int(1000)}.${int(100)},${pick(STATUS)},${pick(PHRASES)}\n`;
    default:
      return () => `${sentence()}.${rand() < 0.15 ? '\n' : ' '}`;
  }
}

/** Lines are gathered into ~64 KiB strings and copied into one reused buffer: cheap on the GC. */
function* textChunks(size, ext) {
  const next = lineMaker(ext);
  const buf = Buffer.allocUnsafe(CHUNK);
  let fill = 0;
  for (let left = size; left > 0; ) {
    let text = '';
    while (text.length < 65536) text += next();
    if (fill + text.length > CHUNK || fill >= left) {
      const n = Math.min(fill, left);
      yield buf.subarray(0, n);
      left -= n;
      fill = 0;
      if (left === 0) break;
    }
    fill += buf.latin1Write(text, fill);
  }
}

// ---- write ----------------------------------------------------------------------------------
for (const f of files) {
  const path = join(out, kind === 'compressible' ? `${f.path}.${f.ext}` : `${f.path}.bin`);
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'wx', 0o644);
  try {
    for (const chunk of kind === 'compressible' ? textChunks(f.size, f.ext) : randomChunks(f.size)) {
      for (let done = 0; done < chunk.length; ) done += writeSync(fd, chunk, done);
    }
  } finally {
    closeSync(fd);
  }
}
console.log(`${out}: ${files.length} files, ${total} bytes (${kind})`);
