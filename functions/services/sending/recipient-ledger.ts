/**
 * A campaign recipient's moves, each paired with its counter change: the status write is conditional,
 * and the counters move only when it applied, so a duplicated or retried job never counts twice. Every
 * place that settles a recipient goes through here instead of writing both halves itself.
 */
import { statsOfMove } from '../../domain/analytics';
import type { RecipientSkipReason, SendError } from '../../domain/campaign';
import type { CampaignCounters, RecipientKey, RecipientStore } from '../../ports';

/** The counter change of a failure: the status counts, and the failure by code with Meta's title. */
const failure = (error: SendError) => ({
  queued: -1,
  failed: 1,
  stats: statsOfMove({ from: 'queued', to: 'failed', error }),
  titles: { [String(error.code ?? 'none')]: error.title },
});

export class RecipientLedger {
  constructor(
    private readonly recipients: RecipientStore,
    private readonly counters: Pick<CampaignCounters, 'addCounts'>,
  ) {}

  /** queued -> sent, by the holder of the claim. False: the claim had expired and another job took it. */
  async sent(key: RecipientKey, token: string, wamid: string, at: string): Promise<boolean> {
    if (!(await this.recipients.markSent(key, token, wamid, at))) return false;
    await this.counters.addCounts(key.campaignId, {
      queued: -1,
      sent: 1,
      stats: statsOfMove({ from: 'queued', to: 'sent' }),
    });
    return true;
  }

  /** queued -> failed; `retryable` says whether a campaign retry may send it again. */
  async failed(
    key: RecipientKey,
    token: string,
    error: SendError,
    options: { retryable: boolean; countAttempt: boolean },
    at: string,
  ): Promise<boolean> {
    if (!(await this.recipients.markFailed(key, token, error, options, at))) return false;
    await this.counters.addCounts(key.campaignId, failure(error));
    return true;
  }

  /** queued -> skipped (opted out, or the campaign was cancelled); with a token, by the claim's holder. */
  async skipped(
    key: RecipientKey,
    reason: RecipientSkipReason,
    at: string,
    token?: string,
  ): Promise<boolean> {
    if (!(await this.recipients.markSkipped(key, reason, at, token))) return false;
    await this.counters.addCounts(key.campaignId, {
      queued: -1,
      skipped: 1,
      stats: statsOfMove({ from: 'queued', to: 'skipped', skipReason: reason }),
    });
    return true;
  }

  /** The job failed on its last receive: the recipient says so (retryable) rather than stay queued. */
  async deadLettered(key: RecipientKey, error: SendError, at: string): Promise<boolean> {
    if (!(await this.recipients.markDeadLettered(key, error, at))) return false;
    await this.counters.addCounts(key.campaignId, failure(error));
    return true;
  }

  /** Stays queued, waiting for its quiet hours to end: counted as waiting. */
  async deferred(key: RecipientKey, until: string, token: string): Promise<boolean> {
    if (!(await this.recipients.defer(key, until, { token }))) return false;
    await this.counters.addCounts(key.campaignId, { waiting: 1 });
    return true;
  }
}
