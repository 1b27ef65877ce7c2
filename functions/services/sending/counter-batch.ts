/**
 * The counter moves of a send worker's batch, added up per campaign and written once when the batch ends
 * (one counter write and one timeline write per campaign, instead of two per message). Each move still
 * follows its recipient's write, so the counters keep adding up to the total at every read; they run
 * behind by at most one batch, and a worker that dies before the flush leaves a difference that the
 * completion probe corrects after a quiet minute (services/counters.ts), as it would for one move.
 */
import { addStats } from '../../domain/analytics';
import type { Logger } from '../../logger';
import type { CampaignCounters, CounterDelta } from '../../ports';

export class CounterBatch implements Pick<CampaignCounters, 'addCounts'> {
  private pending = new Map<string, CounterDelta>();

  constructor(
    private readonly counters: Pick<CampaignCounters, 'addCounts'>,
    private readonly logger: Logger,
  ) {}

  async addCounts(id: string, delta: CounterDelta): Promise<void> {
    this.pending.set(id, mergeDeltas(this.pending.get(id) ?? {}, delta));
  }

  /** Writes what has gathered. A failed write is logged: the recipients hold the truth, a recount restores it. */
  async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    await Promise.all(
      [...batch].map(([campaignId, delta]) =>
        this.counters.addCounts(campaignId, delta).catch((error) => {
          this.logger.error('could not move campaign counters; the completion probe will recount', {
            campaignId,
            error: String(error),
          });
        }),
      ),
    );
  }
}

/** Two counter changes as one: numbers added, analytics added by name, titles the latest. */
export function mergeDeltas(a: CounterDelta, b: CounterDelta): CounterDelta {
  const { stats: aStats, titles: aTitles, ...aCounts } = a;
  const { stats: bStats, titles: bTitles, ...bCounts } = b;
  const counts: Record<string, number> = { ...aCounts } as Record<string, number>;
  for (const [k, v] of Object.entries(bCounts)) counts[k] = (counts[k] ?? 0) + (v ?? 0);
  const stats = addStats(addStats({}, aStats), bStats);
  const titles = { ...aTitles, ...bTitles };
  return {
    ...counts,
    ...(Object.keys(stats).length ? { stats } : {}),
    ...(Object.keys(titles).length ? { titles } : {}),
  };
}
