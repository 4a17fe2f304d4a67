import { AirlockError, type ExportUpstreamMarks } from '@airlock/core';
import type { ExportState, UpstreamMark } from '@airlock/state';

/**
 * Upstream date marks of one export run: each source checks its signed upstream dates against
 * what earlier exports of the channel accepted, and the dates it relied on are recorded with the
 * bundle (`pending`), so a plan or a failed export records nothing.
 */
export class ExportMarkBook {
  private readonly marks = new Map<string, string>();

  constructor(
    private readonly state: ExportState,
    private readonly channel: string,
  ) {}

  forSource(type: string, name: string): ExportUpstreamMarks {
    return {
      notOlderThanSeen: (key, date, label) => this.check(`${type}/${name}:${key}`, date, label),
    };
  }

  pending(): UpstreamMark[] {
    return [...this.marks].map(([key, date]) => ({ key, date }));
  }

  private check(key: string, date: Date, label: string): void {
    if (Number.isNaN(date.getTime())) throw new AirlockError('UPSTREAM_INVALID', `${label}: the signed date is not a valid date`);
    const iso = date.toISOString();
    const seen = this.state.upstreamMark(this.channel, key);
    if (seen !== null && iso < seen) {
      throw new AirlockError('UPSTREAM_REPLAY', `${label} is dated ${iso}, older than the ${seen} an earlier export of channel ${this.channel} used: this mirror went back in time (stale, or replaying old signed metadata). Export from an up-to-date mirror`, {
        details: { channel: this.channel, key, date: iso, seen },
      });
    }
    const pending = this.marks.get(key);
    if (pending === undefined || iso > pending) this.marks.set(key, iso);
  }
}
