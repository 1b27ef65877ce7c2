import type { Campaign } from '../../domain/campaign';
import type { CampaignStore } from '../../ports';

/** How often a worker reads a campaign again while any of its jobs waits to send. */
export const GATE_REFRESH_MS = 250;

export type GateVerdict = 'send' | 'cancelled' | 'stop';

/**
 * Whether a campaign still wants its sends, asked right before each Graph call: at a low rate a job can
 * wait at the pacer for seconds, and a pause or cancel acknowledged meanwhile must stop it there. While
 * jobs of a campaign wait, the gate reads the campaign in the background every quarter second, so the
 * answer costs no wait on the send path (a read on that path would hold claims past their lease when the
 * table is slow) and the table one read per campaign, worker and quarter second.
 */
export class CampaignGate {
  private readonly watched = new Map<
    string,
    { waiters: number; campaign: Campaign | undefined; timer: ReturnType<typeof setInterval> }
  >();

  constructor(
    private readonly campaigns: Pick<CampaignStore, 'get'>,
    private readonly refreshMs = GATE_REFRESH_MS,
  ) {}

  /** Starts watching `campaign` (as its job just read it) until the returned function is called. */
  watch(campaign: Campaign): () => void {
    let entry = this.watched.get(campaign.id);
    if (!entry) {
      const created = {
        waiters: 0,
        campaign: campaign as Campaign | undefined,
        timer: setInterval(() => {
          this.campaigns.get(campaign.id).then(
            (latest) => {
              created.campaign = latest;
            },
            // A failed read keeps the last answer; the next tick tries again.
            () => {},
          );
        }, this.refreshMs),
      };
      created.timer.unref?.();
      entry = created;
      this.watched.set(campaign.id, entry);
    } else if (isNewer(campaign, entry.campaign)) {
      // This job read the campaign after the gate last did (a resume's new launch, say): its view wins
      // until the next background read, so a fresh job is not stopped by a stale pause.
      entry.campaign = campaign;
    }
    const watching = entry;
    watching.waiters += 1;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      watching.waiters -= 1;
      if (watching.waiters === 0) {
        clearInterval(watching.timer);
        this.watched.delete(campaign.id);
      }
    };
  }

  /** `send` while the campaign runs under this launch; otherwise what it has become. */
  verdict(campaignId: string, gen: number): GateVerdict {
    const campaign = this.watched.get(campaignId)?.campaign;
    if (campaign?.state === 'running' && campaign.gen === gen) return 'send';
    return campaign?.state === 'cancelled' ? 'cancelled' : 'stop';
  }
}

function isNewer(read: Campaign, known: Campaign | undefined): boolean {
  if (!known) return true;
  if (read.gen !== known.gen) return read.gen > known.gen;
  return Date.parse(read.updatedAt) > Date.parse(known.updatedAt);
}
