/**
 * The end of a campaign's sending, beside its lifecycle: the completion probe, which completes a campaign
 * once every recipient has settled (and checks the counters against the recipients), and the pause when
 * WhatsApp says the account itself cannot send.
 */
import type { Campaign, CompletionProbe } from '../domain/campaign';
import { StateConflictError } from '../domain/errors';
import type { SendFailure } from '../domain/whatsapp-errors';
import type { Logger } from '../logger';
import type { CampaignCounters, CampaignStore, Clock, RecipientStore, SendQueue } from '../ports';
import { reconcileCounts } from './counters';

export interface CampaignCompletionDeps {
  readonly campaigns: Pick<CampaignStore, 'changeState'> & CampaignCounters;
  readonly recipients: RecipientStore;
  readonly sendQueue: SendQueue;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Seconds between probes while recipients are still queued. */
  readonly probeDelaySeconds?: number | undefined;
  readonly settleMs?: number | undefined;
}

export class CampaignCompletion {
  constructor(private readonly d: CampaignCompletionDeps) {}

  /** Checks whether every recipient has settled; completes the campaign, or looks again shortly. */
  async probe(task: CompletionProbe, campaign: Campaign | undefined): Promise<void> {
    const d = this.d;
    if (campaign?.state !== 'running' || campaign.gen !== task.gen) return;
    const { counts, waiting } = await d.campaigns.tally(campaign.id);
    let queued = counts.queued;
    if (queued > 0 && waiting >= queued) {
      // Everyone left is waiting for quiet hours to end; their release sends a new probe. The counters are
      // checked against the recipients first, so a drifted counter cannot stall the campaign.
      const actual = await d.recipients.histogram(campaign.id, campaign.buckets);
      if (actual.waiting !== waiting)
        await d.campaigns.addCounts(campaign.id, { waiting: actual.waiting - waiting });
      if (actual.queued > 0 && actual.queued === actual.waiting) return;
      queued = actual.queued;
    }

    const stalled = queued === task.lastQueued ? task.stalled + 1 : 0;
    // Counters could miss an increment if a worker died between two writes: when progress stops for a
    // while, ask the recipients themselves (at 10, 20, 40... quiet probes).
    if (queued > 0 && stalled >= 10 && Number.isInteger(Math.log2(stalled / 10))) {
      queued = (await d.recipients.histogram(campaign.id, campaign.buckets)).queued;
    }
    if (queued > 0) {
      await d.sendQueue.enqueue([{ ...task, stalled, lastQueued: counts.queued }], {
        delaySeconds: d.probeDelaySeconds ?? 3,
      });
      return;
    }
    try {
      await d.campaigns.changeState(campaign.id, ['running'], 'completed', {
        completedAt: d.clock.now().toISOString(),
      });
    } catch (error) {
      if (!(error instanceof StateConflictError)) throw error;
      return;
    }
    // Check the counters against the recipients themselves; a lasting difference (a worker died between
    // its two writes) is corrected, and recorded in countCorrections.
    const reconcile = { ...d, ...(d.settleMs !== undefined ? { settleMs: d.settleMs } : {}) };
    if (await reconcileCounts(reconcile, campaign.id, campaign.buckets)) {
      d.logger.warn('campaign counters disagreed with the recipients; corrected', {
        campaignId: campaign.id,
      });
    }
    d.logger.info('campaign completed', { campaignId: campaign.id });
  }

  /** The account cannot send (an expired token, a blocked number): stop the campaign and say why. */
  async pauseForAccount(campaignId: string, failure: SendFailure): Promise<void> {
    const reason = `WhatsApp error ${failure.code}: ${failure.title}${failure.details ? ` (${failure.details})` : ''}`;
    try {
      await this.d.campaigns.changeState(campaignId, ['running'], 'paused', {
        pausedAt: this.d.clock.now().toISOString(),
        pauseReason: reason,
      });
      this.d.logger.error('campaign paused: the account cannot send', { campaignId, reason });
    } catch (error) {
      if (!(error instanceof StateConflictError)) throw error;
    }
  }
}
