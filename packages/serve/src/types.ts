import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Answers a request it recognises and returns true; returns false to let the next handler try.
 * A handler sees only GET and HEAD unless it lists other `methods` (an API that takes POST
 * queries, such as the snap store's refresh); it must then bound the request bodies it reads.
 */
export type RequestHandler = ((req: IncomingMessage, res: ServerResponse) => Promise<boolean>) & { readonly methods?: readonly string[] };

export interface RequestLogEntry {
  method: string;
  /** The request target as received, with control characters escaped. */
  path: string;
  status: number;
  /** Body bytes sent (0 for HEAD and 304). */
  bytes: number;
}

export interface ServeOptions {
  /** The publication to serve; usually the `current` symlink, re-resolved on every request. */
  root: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Tried in order before the static tree (e.g. a registry API); the first that returns true wins. */
  handlers?: RequestHandler[];
  onRequest?(entry: RequestLogEntry): void;
  /**
   * The URL clients use to reach this site (behind a proxy or a DNS name), written into the site
   * page's snippets instead of the request's Host. http(s), optionally with a path prefix.
   */
  publicUrl?: string;
  /** Open connections at once (default DEFAULT_MAX_CONNECTIONS); more are closed on arrival. */
  maxConnections?: number;
}

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  /** Stops accepting connections, closes idle keep-alive sockets, lets in-flight responses finish (at most 5 s), then resolves. */
  close(): Promise<void>;
}
