import { type Counts, RECIPIENT_STATUSES } from '../domain/recipient-status';
import type { CampaignCounters, RecipientStore } from '../ports';

export interface ReconcileDeps {
  readonly campaigns: CampaignCounters;
  readonly recipients: RecipientStore;
  readonly wait?: (ms: number) => Promise<void>;
  readonly settleMs?: number;
}

/** The status counters and `waiting` (queued recipients held by quiet hours), as the histogram gives them. */
type Tally = Counts & { waiting: number };
const COUNTERS = [...RECIPIENT_STATUSES, 'waiting'] as const;

/**
 * Brings a campaign's counters (statuses and `waiting`) in line with its recipients without racing live
 * updates. A counter moves just after its recipient does, so a snapshot can catch a transition whose
 * counter is still on its way; overwriting then would count it twice. Instead the difference is measured
 * twice, a moment apart, and only what persisted in both (a counter lost when a worker died, or a release
 * and a cancel that both decremented `waiting`) is added. Returns whether anything changed.
 */
export async function reconcileCounts(
  d: ReconcileDeps,
  campaignId: string,
  buckets: number,
): Promise<boolean> {
  const look = async () =>
    difference(await d.recipients.histogram(campaignId, buckets), await counted(d, campaignId));
  const first = await look();
  if (!first) return false;
  await (d.wait ?? ((ms) => new Promise((r) => setTimeout(r, ms))))(d.settleMs ?? 2000);
  const second = await look();
  if (!second) return false;
  const delta: Partial<Tally> = {};
  for (const s of COUNTERS) {
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

async function counted(d: ReconcileDeps, campaignId: string): Promise<Tally> {
  const { counts, waiting } = await d.campaigns.tally(campaignId);
  return { ...counts, waiting };
}

function difference(actual: Tally, counted: Tally): Partial<Tally> | undefined {
  const diff: Partial<Tally> = {};
  for (const s of COUNTERS) if (actual[s] !== counted[s]) diff[s] = actual[s] - counted[s];
  return Object.keys(diff).length > 0 ? diff : undefined;
}
