/**
 * The end of a campaign's sending, beside its lifecycle: the completion probe, which completes a campaign
 * once every recipient has settled (correcting counters a crashed worker left behind), and the pause when
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
  /** How long recipients must be still before a lasting counter difference is corrected (counters.ts). */
  readonly quietMs?: number | undefined;
}

export class CampaignCompletion {
  constructor(private readonly d: CampaignCompletionDeps) {}

  /**
   * Completes the campaign once its counters say no recipient is queued, or looks again shortly. Every
   * send result moves its counter right after its recipient, so at that moment every recipient's send is
   * counted and `completed` comes with the final send counts; nothing is recounted after it. Only a
   * process that died between the two writes can hold the counters back: when progress stops, the
   * recipients are asked, and a difference that lasts through a quiet minute is corrected first.
   */
  async probe(task: CompletionProbe, campaign: Campaign | undefined): Promise<void> {
    const d = this.d;
    if (campaign?.state !== 'running' || campaign.gen !== task.gen) return;
    const { counts, waiting } = await d.campaigns.tally(campaign.id);
    let queued = counts.queued;
    if (queued > 0 && waiting >= queued) {
      // Everyone left is waiting for quiet hours to end; their release sends a new probe. The counters are
      // checked against the recipients first, so a drifted `waiting` cannot stall the campaign.
      const actual = await d.recipients.histogram(campaign.id, campaign.buckets);
      if (actual.queued > 0 && actual.queued === actual.waiting) {
        if (actual.waiting !== waiting) await this.reconcile(campaign);
        return;
      }
    }

    const stalled = queued === task.lastQueued ? task.stalled + 1 : 0;
    // A counter misses a move only when a worker died between its two writes: when progress stops for a
    // while, compare with the recipients themselves (at 10, 20, 40... quiet probes).
    if (queued > 0 && stalled >= 10 && Number.isInteger(Math.log2(stalled / 10))) {
      if ((await this.reconcile(campaign)) === 'corrected')
        queued = (await d.campaigns.tally(campaign.id)).counts.queued;
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
    d.logger.info('campaign completed', { campaignId: campaign.id });
  }

  private async reconcile(campaign: Campaign) {
    const d = this.d;
    const outcome = await reconcileCounts(
      { ...d, ...(d.quietMs !== undefined ? { quietMs: d.quietMs } : {}) },
      campaign.id,
      campaign.buckets,
    );
    if (outcome === 'corrected') {
      d.logger.warn('campaign counters disagreed with the recipients after a quiet minute; corrected', {
        campaignId: campaign.id,
      });
    }
    return outcome;
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
