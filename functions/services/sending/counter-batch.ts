/**
 * The counter moves of a send worker's batch, added up per campaign and written once when the batch ends
 * (one counter write and one timeline write per campaign, instead of two per message). Each move still
 * follows its recipient's write, so the counters keep adding up to the total at every read; they run
 * behind by at most one batch, and a worker that dies before the flush leaves a difference that the
 * completion probe corrects after a quiet minute (services/counters.ts), as it would for one move.
 */
import type { Counts } from '../../domain/recipient-status';
import type { Logger } from '../../logger';
import type { CampaignCounters } from '../../ports';

type Delta = Partial<Counts> & { waiting?: number };

export class CounterBatch implements Pick<CampaignCounters, 'addCounts'> {
  private pending = new Map<string, Delta>();

  constructor(
    private readonly counters: Pick<CampaignCounters, 'addCounts'>,
    private readonly logger: Logger,
  ) {}

  async addCounts(id: string, delta: Delta): Promise<void> {
    const sum = this.pending.get(id) ?? {};
    for (const [k, v] of Object.entries(delta) as [keyof Delta, number | undefined][]) {
      sum[k] = (sum[k] ?? 0) + (v ?? 0);
    }
    this.pending.set(id, sum);
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
