/**
 * Campaign events for the business's webhooks (campaign.started|paused|completed|cancelled). Every change
 * of a campaign's state goes through the store's conditional `changeState` (or `createRun` for a series'
 * run), so the store is wrapped: each change that took place is announced once, after it is written. A
 * change refused by its condition (a second pause, a completion racing a cancel) throws and announces
 * nothing. The announcement is best effort (`bestEffort` in event-publisher.ts): the change stands if
 * the hooks queue cannot be reached.
 */
import type { Campaign } from '../domain/campaign';
import type { CampaignState } from '../domain/campaign-state';
import { campaignEvent } from '../domain/webhooks/announce';
import type { CampaignData } from '../domain/webhooks/events';
import type { CampaignCounters, CampaignStore, EventPublisher } from '../ports';

type Announced = Pick<CampaignStore, 'changeState'> & Partial<Pick<CampaignStore, 'createRun'>>;

/** The event's payload for a campaign in its new state; `from` tells a resume from a first start. */
export function campaignData(
  campaign: Campaign,
  from: readonly CampaignState[],
  counts?: Readonly<Record<string, number>>,
): CampaignData {
  return {
    campaignId: campaign.id,
    name: campaign.name,
    state: campaign.state as CampaignData['state'],
    at: campaign.updatedAt,
    total: campaign.total,
    ...(campaign.recurrence ? { recurring: true } : {}),
    ...(campaign.seriesId ? { seriesId: campaign.seriesId } : {}),
    ...(campaign.state === 'running'
      ? { resumed: !from.includes('draft') && !from.includes('scheduled') }
      : {}),
    ...(campaign.state === 'paused' && campaign.pauseReason ? { pauseReason: campaign.pauseReason } : {}),
    ...(counts ? { counts } : {}),
  };
}

export function announcingCampaigns<T extends Announced>(
  store: T & Partial<Pick<CampaignCounters, 'counts'>>,
  events: EventPublisher,
): T {
  async function announce(campaign: Campaign, from: readonly CampaignState[]) {
    // A completion carries the final counts (written before `completed`, see campaign-completion.ts).
    const counts =
      campaign.state === 'completed' && store.counts
        ? await store.counts(campaign.id).then(
            (c) => ({ ...c }),
            // The event still goes, without its counts, rather than failing a change already made.
            () => undefined,
          )
        : undefined;
    // The generation and the time tell one launch's change from the next one's of the same state.
    const event = campaignEvent(
      campaignData(campaign, from, counts),
      `${campaign.state}|${campaign.gen}|${campaign.updatedAt}`,
    );
    if (event) await events.publish([event]);
  }
  const changeState = store.changeState.bind(store);
  const createRun = store.createRun?.bind(store);
  const wrapped = Object.create(store) as T;
  Object.assign(wrapped, {
    async changeState(...args: Parameters<CampaignStore['changeState']>) {
      const changed = await changeState(...args);
      await announce(changed, args[1]);
      return changed;
    },
    ...(createRun
      ? {
          async createRun(run: Campaign) {
            const created = await createRun(run);
            if (created) await announce(run, ['scheduled']);
            return created;
          },
        }
      : {}),
  });
  return wrapped;
}
