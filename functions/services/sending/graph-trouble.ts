/**
 * What makes a campaign slow, told in the log at the default level: Graph 5xx answers, requests that
 * timed out and throughput errors (130429). They come in storms, so each kind is told once per campaign
 * and minute; the next line of that kind says how many came in between, and `flush` tells the count of
 * a storm that ended.
 */
import type { SendFailure } from '../../domain/whatsapp-errors';
import type { Logger } from '../../logger';
import type { GraphTroubleKind } from '../../ports';

export function troubleKind(failure: SendFailure): GraphTroubleKind | undefined {
  if (failure.code === 130429) return 'throughput';
  if (failure.uncertain) return 'timeout';
  if (failure.httpStatus !== undefined && failure.httpStatus >= 500) return 'server_error';
  return undefined;
}

const MESSAGES: Record<GraphTroubleKind, string> = {
  server_error: 'WhatsApp answered with a server error (5xx); the message is retried',
  timeout:
    'WhatsApp did not answer in time; the message is retried after its status webhook had time to come',
  throughput: "WhatsApp's throughput limit was hit (130429); sends are held back and the message is retried",
};

interface Seen {
  since: number;
  /** Told since `since` without a line of their own. */
  more: number;
  campaignId: string | undefined;
  kind: GraphTroubleKind;
}

export class GraphTroubleLog {
  private readonly seen = new Map<string, Seen>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = () => Date.now(),
    private readonly windowMs = 60_000,
  ) {}

  note(kind: GraphTroubleKind, failure: SendFailure, campaignId?: string): void {
    const key = `${campaignId ?? ''}|${kind}`;
    const now = this.now();
    const seen = this.seen.get(key);
    if (seen && now - seen.since < this.windowMs) {
      seen.more += 1;
      return;
    }
    this.seen.set(key, { since: now, more: 0, campaignId, kind });
    this.logger.warn(MESSAGES[kind], {
      metric: 'graph_trouble',
      kind,
      ...(campaignId ? { campaignId } : {}),
      code: failure.code,
      ...(failure.httpStatus !== undefined ? { httpStatus: failure.httpStatus } : {}),
      title: failure.title,
      ...(failure.fbtraceId ? { fbtraceId: failure.fbtraceId } : {}),
      // How many of this kind came in the minute before this line without one of their own.
      moreInLastMinute: seen?.more ?? 0,
    });
  }

  /** Tells the counts of storms whose minute is over (called at the end of each invocation). */
  flush(): void {
    const now = this.now();
    for (const [key, seen] of this.seen) {
      if (now - seen.since < this.windowMs) continue;
      this.seen.delete(key);
      if (seen.more === 0) continue;
      this.logger.warn(`${seen.more} more of the same in the minute after`, {
        metric: 'graph_trouble',
        kind: seen.kind,
        ...(seen.campaignId ? { campaignId: seen.campaignId } : {}),
        moreInLastMinute: seen.more,
      });
    }
  }
}
