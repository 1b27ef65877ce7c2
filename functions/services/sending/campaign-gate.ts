import type { Campaign } from '../../domain/campaign';
import type { CampaignStore } from '../../ports';

/** How stale a worker's view of a campaign's state may be when it is about to call Graph. */
export const GATE_FRESH_MS = 250;

/**
 * Whether a campaign still wants its sends, asked right before each Graph call: a job can wait at the
 * pacer for seconds at a low rate, and a pause or cancel acknowledged meanwhile must stop it there. One
 * read per campaign per quarter second and worker, however many jobs ask, so it costs the table little.
 */
export class CampaignGate {
  private readonly seen = new Map<string, { at: number; campaign: Promise<Campaign | undefined> }>();

  constructor(
    private readonly campaigns: Pick<CampaignStore, 'get'>,
    private readonly now: () => number = Date.now,
  ) {}

  async stillSending(campaignId: string, gen: number | undefined): Promise<boolean> {
    const t = this.now();
    let entry = this.seen.get(campaignId);
    if (!entry || t - entry.at > GATE_FRESH_MS) {
      entry = { at: t, campaign: this.campaigns.get(campaignId) };
      this.seen.set(campaignId, entry);
      entry.campaign.catch(() => this.seen.delete(campaignId));
    }
    const campaign = await entry.campaign;
    return campaign?.state === 'running' && campaign.gen === gen;
  }
}
