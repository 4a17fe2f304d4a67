import type { Command } from 'commander';
import { AirlockError } from '@airlock/core';
import { createRegistryHandler } from '@airlock/oci';
import { parsePublicUrl, startServer } from '@airlock/serve';
import { createSnapStoreHandler } from '@airlock/snap';
import { contextFor } from '../context.js';
import { examples } from '../help.js';

function parseListen(value: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value);
  const port = Number(match?.[3]);
  if (!match || port > 65535) throw new AirlockError('USAGE', `--listen wants HOST:PORT, e.g. 127.0.0.1:8080 (got ${value})`);
  return { host: (match[1] ?? match[2]) as string, port };
}

export function registerServe(program: Command): void {
  const serve = program
    .command('serve')
    .description('serve the current publication read-only over HTTP until interrupted')
    .option('--listen <host:port>', 'address to listen on', '127.0.0.1:8080')
    .option('--public-url <url>', 'the URL clients reach this site by, used on the site page and in snap store answers instead of the request\'s Host (e.g. https://mirror.example.internal/)')
    .action(async (opts: { listen: string; publicUrl?: string }, cmd: Command) => {
      const { output, home } = contextFor(cmd);
      const { host, port } = parseListen(opts.listen);
      const publicUrl = opts.publicUrl === undefined ? undefined : parsePublicUrl(opts.publicUrl).url;
      const server = await startServer({
        root: `${home.publish}/current`,
        handlers: [createRegistryHandler(`${home.publish}/current`), createSnapStoreHandler(`${home.publish}/current`, publicUrl === undefined ? {} : { publicUrl })],
        host,
        port,
        ...(opts.publicUrl === undefined ? {} : { publicUrl: opts.publicUrl }),
        onRequest: (r) => output.info(`${r.method} ${r.path} ${r.status} ${r.bytes}`),
      });
      output.result({ url: server.url });
      output.line(`serving ${home.publish}/current at ${server.url}`);
      output.line(`how clients connect: ${server.url} (the site page; /airlock.json for automation)`);
      await new Promise<void>((resolveStop) => {
        const stop = (): void => {
          void server.close().then(resolveStop);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
  examples(serve, ['airlock serve --listen 0.0.0.0:8080']);
}
