import { appendFileSync } from 'node:fs';
import { onTestFinished } from 'vitest';
import { FAULT_KINDS, startFaultServer, type FaultKind, type FaultRule, type FaultServer, type ResourceSource } from '@airlock/test-utils';

/**
 * Counts the faults a whole test file injected, by kind, across all its fault servers, so the file
 * can assert its coverage; AIRLOCK_FAULT_REPORT names a file that receives the figures as one JSON line.
 */
export class FaultTally {
  readonly injected = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  private readonly servers: FaultServer[] = [];

  constructor(readonly suite: string) {}

  /** A fault server closed when the current test finishes, its faults added to the tally. */
  async server(source: ResourceSource, rules: FaultRule[] = []): Promise<FaultServer> {
    const server = await startFaultServer(source, rules);
    this.servers.push(server);
    onTestFinished(async () => {
      await server.close();
      this.collect(server);
    });
    return server;
  }

  total(): number {
    return Object.values(this.injected).reduce((a, b) => a + b, 0);
  }

  report(): void {
    const file = process.env.AIRLOCK_FAULT_REPORT;
    if (file) appendFileSync(file, `${JSON.stringify({ suite: this.suite, injected: this.injected, total: this.total() })}\n`);
  }

  private collect(server: FaultServer): void {
    const i = this.servers.indexOf(server);
    if (i < 0) return;
    this.servers.splice(i, 1);
    for (const k of FAULT_KINDS) this.injected[k] += server.injected[k];
  }
}
