import { type Counts, RECIPIENT_STATUSES } from '../domain/recipient-status';
import type { CampaignCounters, Clock, RecipientHistogram, RecipientStore } from '../ports';

export interface ReconcileDeps {
  readonly campaigns: CampaignCounters;
  readonly recipients: RecipientStore;
  readonly clock: Clock;
  /** How long the recipients must have been still before a difference counts as lost (see QUIET_MS). */
  readonly quietMs?: number;
}

/**
 * Every transition writes its recipient and then its counter, within seconds (the longest gap is a page of
 * 500 recipients settled by a cancel or a retry, each page stamped when it starts); only a process that
 * dies between the two leaves a difference that lasts. So once no recipient has changed for this long,
 * any counter write still missing belongs to a process that is gone, and the difference is exactly what
 * was lost.
 */
export const QUIET_MS = 60_000;

/** The status counters and `waiting` (queued recipients held by quiet hours), as the histogram gives them. */
type Tally = Counts & { waiting: number };
const COUNTERS = [...RECIPIENT_STATUSES, 'waiting'] as const;

/**
 * `agreed`: the counters equal the recipients. `corrected`: they differed while the campaign was quiet,
 * and the difference was added. `busy`: they differ while recipients are still changing, so part of the
 * difference may be counter writes on their way; nothing was touched (ask again later).
 */
export type ReconcileOutcome = 'agreed' | 'corrected' | 'busy';

/**
 * Brings a campaign's counters (statuses and `waiting`) in line with its recipients without racing live
 * updates. The counters are read before and after the recipients: a transition whose counter lands
 * during the scan shows as counters that moved, and one still between its two writes shows as a
 * recipient changed within QUIET_MS; either way the moment is not one to correct in. Only a campaign whose
 * counters stood still across the scan and whose recipients have been quiet for QUIET_MS is corrected,
 * and then by the whole difference, which sums to zero, so the counts keep adding up to the total.
 */
export async function reconcileCounts(
  d: ReconcileDeps,
  campaignId: string,
  buckets: number,
): Promise<ReconcileOutcome> {
  const before = await counted(d, campaignId);
  const actual = await d.recipients.histogram(campaignId, buckets);
  const after = await counted(d, campaignId);
  if (!difference(actual, before) || !difference(actual, after)) return 'agreed';
  const delta = difference(actual, after);
  if (difference(before, after) || !quiet(d, actual) || !delta) return 'busy';
  await d.campaigns.addCounts(campaignId, delta);
  await d.campaigns.noteRecount(campaignId);
  return 'corrected';
}

function quiet(d: ReconcileDeps, actual: RecipientHistogram): boolean {
  if (!actual.lastUpdatedAt) return true;
  return d.clock.now().getTime() - Date.parse(actual.lastUpdatedAt) >= (d.quietMs ?? QUIET_MS);
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
