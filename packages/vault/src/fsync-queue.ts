import { close, fsync, open } from 'node:fs';
import { fsError } from '@airlock/core';

/** Runs at most `limit` tasks at once, the others waiting in order. */
export class Throttle {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finishing task hands its slot straight to the next waiter, so the count never overshoots.
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/**
 * fsyncs a file by path (its writer has closed it, so open descriptors stay few), on the thread
 * pool: many of these in flight let the filesystem commit them together.
 */
export function fsyncPath(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    open(path, 'r', (openErr, fd) => {
      if (openErr) return reject(fsError(openErr, path, 'making it durable'));
      fsync(fd, (syncErr) => {
        close(fd, () => (syncErr ? reject(fsError(syncErr, path, 'making it durable')) : resolve()));
      });
    });
  });
}
