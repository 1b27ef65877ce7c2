import { type Counts, RECIPIENT_STATUSES } from '../domain/recipient-status';
import type { CampaignStore, RecipientStore } from '../ports';

export interface ReconcileDeps {
  readonly campaigns: CampaignStore;
  readonly recipients: RecipientStore;
  readonly wait?: (ms: number) => Promise<void>;
  readonly settleMs?: number;
}

/**
 * Brings a campaign's counters in line with its recipients without racing live updates. A counter moves
 * just after its recipient does, so a snapshot can catch a transition whose counter is still on its way;
 * overwriting then would count it twice. Instead the difference is measured twice, a moment apart, and only
 * what persisted in both (a counter lost when a worker died) is added. Returns whether anything changed.
 */
export async function reconcileCounts(
  d: ReconcileDeps,
  campaignId: string,
  buckets: number,
): Promise<boolean> {
  const first = difference(
    await d.recipients.histogram(campaignId, buckets),
    await d.campaigns.counts(campaignId),
  );
  if (!first) return false;
  await (d.wait ?? ((ms) => new Promise((r) => setTimeout(r, ms))))(d.settleMs ?? 2000);
  const second = difference(
    await d.recipients.histogram(campaignId, buckets),
    await d.campaigns.counts(campaignId),
  );
  if (!second) return false;
  const delta: Partial<Counts> = {};
  for (const s of RECIPIENT_STATUSES) {
    const a = first[s] ?? 0;
    const b = second[s] ?? 0;
    if (Math.sign(a) === Math.sign(b) && a !== 0)
      delta[s] = Math.sign(a) * Math.min(Math.abs(a), Math.abs(b));
  }
  if (Object.keys(delta).length === 0) return false;
  await d.campaigns.addCounts(campaignId, delta);
  await d.campaigns.noteRecount(campaignId);
  return true;
}

function difference(actual: Counts, counted: Counts): Partial<Counts> | undefined {
  const diff: Partial<Counts> = {};
  for (const s of RECIPIENT_STATUSES) if (actual[s] !== counted[s]) diff[s] = actual[s] - counted[s];
  return Object.keys(diff).length > 0 ? diff : undefined;
}
