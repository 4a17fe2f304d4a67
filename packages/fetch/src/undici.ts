import type * as Undici from 'undici';

let loaded: Promise<typeof Undici> | undefined;

/** undici takes a good part of a second to load: only runs that really fetch pay for it. */
export function undici(): Promise<typeof Undici> {
  return (loaded ??= import('undici'));
}
