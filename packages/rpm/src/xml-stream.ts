import { StringDecoder } from 'node:string_decoder';
import { AirlockError } from '@airlock/core';
import { createRequire } from 'node:module';
import type { SaxesParser as SaxesParserType, SaxesTagPlain } from 'saxes';

export interface XmlHandlers {
  opentag?(tag: SaxesTagPlain): void;
  text?(text: string): void;
  closetag?(tag: SaxesTagPlain): void;
}

/**
 * saxes holds text, comments and attribute values in memory until the markup that ends them, so
 * a hostile file with one endless text node would fill memory. Real repodata has an event every
 * few KiB; this much input without one is refused.
 */
const MAX_QUIET_CHARS = 8 << 20;
const SLICE_CHARS = 1 << 16;

/**
 * Parses a stream of XML (attacker-controlled) with saxes, decoding UTF-8 across chunk
 * boundaries, with memory bounded by MAX_QUIET_CHARS. Handler errors and saxes' errors propagate.
 */
export async function streamXml(input: AsyncIterable<Buffer | string>, handlers: XmlHandlers, label: string): Promise<void> {
  const { SaxesParser } = createRequire(import.meta.url)('saxes') as { SaxesParser: typeof SaxesParserType };
  const parser = new SaxesParser({ xmlns: false });
  let quiet = 0;
  const { opentag, text, closetag } = handlers;
  if (opentag) parser.on('opentag', (tag) => ((quiet = 0), opentag(tag)));
  if (text) parser.on('text', (t) => ((quiet = 0), text(t)));
  if (closetag) parser.on('closetag', (tag) => ((quiet = 0), closetag(tag)));
  const decoder = new StringDecoder('utf8');
  const write = (chars: string): void => {
    for (let at = 0; at < chars.length; at += SLICE_CHARS) {
      const slice = chars.slice(at, at + SLICE_CHARS);
      quiet += slice.length;
      parser.write(slice);
      if (quiet > MAX_QUIET_CHARS) throw new AirlockError('UPSTREAM_INVALID', `${label} has more than ${MAX_QUIET_CHARS} characters without any markup airlock reads: refusing it (the upstream metadata is broken or hostile)`);
    }
  };
  for await (const chunk of input) write(typeof chunk === 'string' ? chunk : decoder.write(chunk));
  write(decoder.end());
  parser.close();
}
