import { createHash } from 'node:crypto';
import type { CampaignState } from './campaign-state';
import type { RecipientStatus } from './recipient-status';
import type { Recurrence } from './recurrence';
import type { SendWindow } from './send-window';
import type { Template } from './template';

/** The template exactly as it was when the campaign was created: later edits do not change planned sends. */
export type TemplateSnapshot = Pick<
  Template,
  | 'id'
  | 'version'
  | 'name'
  | 'body'
  | 'category'
  | 'defaults'
  | 'media'
  | 'buttons'
  | 'whatsapp'
  | 'variables'
>;

/**
 * Who a campaign goes to when its recipients are taken at launch rather than at creation: the members of
 * lists as they are when it starts, or (for a series' runs) the recipients stored with the series.
 */
export type Audience =
  | {
      readonly lists: readonly string[];
      readonly variables?: Readonly<Record<string, string>>;
      readonly defaultCountry?: string;
    }
  | { readonly copyOf: string };

export interface Campaign {
  readonly id: string;
  readonly name: string;
  readonly state: CampaignState;
  readonly template: TemplateSnapshot;
  readonly total: number;
  /** Recipients are spread over this many partitions. */
  readonly buckets: number;
  /** Launch generation: each start, resume or retry enqueues under a new one; older jobs are stale. */
  readonly gen: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly sendAt?: string;
  /** The IANA zone sendAt was given in, for showing it back in local time. */
  readonly timezone?: string;
  readonly startedAt?: string;
  readonly completedAt?: string;
  readonly cancelledAt?: string;
  readonly pausedAt?: string;
  /** Why the platform paused the campaign by itself (for example an expired access token). */
  readonly pauseReason?: string;
  readonly duplicatesMerged?: number;
  /** Recipients with US numbers a marketing template is not sent to (counted at creation). */
  readonly usMarketingSkips?: number;
  /** Times completion found the counters off and recounted (0 when they held). */
  readonly countCorrections?: number;
  /** Recipients taken at launch (see Audience); until then total is 0. */
  readonly audience?: Audience;
  /** Members the lists had when the campaign was created: what launch will probably find. */
  readonly audienceEstimate?: number;
  /** Started, but the audience is still being written: the launcher finishes that first. */
  readonly preparing?: boolean;
  /** Quiet hours: recipients outside the window wait for its next opening. */
  readonly sendWindow?: SendWindow;
  /** The earliest time waiting recipients are released. */
  readonly nextReleaseAt?: string;
  /** A series: fires on this recurrence, and each firing makes a run (a campaign of its own). */
  readonly recurrence?: Recurrence;
  readonly runCount?: number;
  readonly lastRunId?: string;
  readonly lastRunAt?: string;
  /** A run: the series it belongs to, and the scheduled time it was made for. */
  readonly seriesId?: string;
  readonly runAt?: string;
}

export function isSeries(c: Pick<Campaign, 'recurrence'>): boolean {
  return c.recurrence !== undefined;
}

/** A run's id: the series' id and the firing time, so a firing delivered twice makes one run. */
export function runId(seriesId: string, at: Date): string {
  return `${seriesId}-${at.toISOString().slice(0, 16).replace(/[-:]/g, '')}`;
}

export interface SendError {
  readonly code: number | string | null;
  readonly title: string;
  readonly message?: string;
  readonly details?: string;
}

/**
 * Why a campaign recipient was not sent: opted out, the campaign cancelled, or a marketing template to a
 * United States number, which Meta does not deliver (paused since April 2025; SKIP_US_MARKETING).
 */
export type RecipientSkipReason = 'opted_out' | 'cancelled' | 'us_marketing_paused';

export interface RecipientRecord {
  readonly campaignId: string;
  readonly phone: string;
  readonly bucket: number;
  readonly variables: Readonly<Record<string, string>>;
  readonly status: RecipientStatus;
  readonly attempts: number;
  readonly wamid?: string;
  readonly lastError?: SendError;
  /** Whether lastError is one a retry could fix. */
  readonly retryable?: boolean;
  readonly skipReason?: RecipientSkipReason;
  /** Outside its quiet-hours window: waits (still queued) until this time. */
  readonly deferredUntil?: string;
  readonly sentAt?: string;
  readonly deliveredAt?: string;
  readonly readAt?: string;
  readonly failedAt?: string;
  /** Responses to this campaign, for its analytics (domain/analytics.ts). */
  readonly repliedAt?: string;
  readonly optedOutAt?: string;
  readonly buttonsTapped?: readonly string[];
  readonly pricingCategory?: string;
  readonly billable?: boolean;
  /** When Meta held the marketing message back (131049); it is sent once more a day later. */
  readonly heldBackAt?: string;
  readonly deferReason?: string;
  readonly updatedAt: string;
}

/**
 * Work for the send worker, one per send-queue message: a campaign recipient's send, a single message's
 * send, or a completion probe, which checks whether every recipient has settled and comes back until so.
 * The queue adapter writes them with short keys (adapters/sqs/send-jobs.ts) to keep payloads small.
 */
export type SendTask =
  | {
      readonly kind: 'recipient';
      readonly campaignId: string;
      readonly bucket: number;
      readonly phone: string;
      /** The launch generation: a task of an earlier launch (before a pause and resume) is stale. */
      readonly gen: number;
    }
  | { readonly kind: 'message'; readonly messageId: string }
  /** A read receipt (with the typing indicator when the assistant is about to answer). */
  | { readonly kind: 'receipt'; readonly wamid: string; readonly typing: boolean }
  | CompletionProbe;

export interface CompletionProbe {
  readonly kind: 'probe';
  readonly campaignId: string;
  readonly gen: number;
  /** How many probes in a row saw no progress, and the queued count the last one saw (-1: none yet). */
  readonly stalled: number;
  readonly lastQueued: number;
}

export const firstProbe = (campaignId: string, gen: number): CompletionProbe => ({
  kind: 'probe',
  campaignId,
  gen,
  stalled: 0,
  lastQueued: -1,
});

/**
 * Work for the launcher: `launch` enqueues a generation's queued recipients, `cancel` settles them as
 * skipped, `start` (from a schedule) starts a scheduled campaign, doing nothing if it was cancelled or
 * started; `fire` (from a series' schedule, `at` being the scheduled time) makes a run; `release` (from a
 * quiet-hours schedule) sends the recipients whose wait is over; `plan_release` (from a send worker that
 * deferred someone) schedules a release at `at`.
 */
export type LaunchCommand = {
  readonly campaignId: string;
  readonly gen: number;
  readonly action: 'launch' | 'cancel' | 'start' | 'fire' | 'release' | 'plan_release';

  readonly at?: string;
};

export function bucketCount(total: number): number {
  return Math.min(32, Math.max(1, Math.ceil(total / 5000)));
}

export function bucketOf(phone: string, buckets: number): number {
  if (buckets <= 1) return 0;
  return createHash('sha1').update(phone).digest().readUInt32BE(0) % buckets;
}

/** Echoed by Meta as biz_opaque_callback_data in status webhooks; finds the recipient without a lookup. */
export function campaignCallbackData(campaignId: string, bucket: number, phone: string): string {
  return `c:${campaignId}:${bucket}:${phone}`;
}

export function messageCallbackData(messageId: string): string {
  return `m:${messageId}`;
}

export type CallbackRef =
  | {
      readonly kind: 'campaign';
      readonly campaignId: string;
      readonly bucket: number;
      readonly phone: string;
    }
  | { readonly kind: 'message'; readonly messageId: string };

export function parseCallbackData(data: string | undefined): CallbackRef | undefined {
  if (!data) return undefined;
  const c = /^c:([^:]+):(\d+):(\+\d+)$/.exec(data);
  if (c) return { kind: 'campaign', campaignId: c[1]!, bucket: Number(c[2]), phone: c[3]! };
  const m = /^m:([^:]+)$/.exec(data);
  if (m) return { kind: 'message', messageId: m[1]! };
  return undefined;
}
