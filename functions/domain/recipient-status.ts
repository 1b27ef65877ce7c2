import type { SendError } from './campaign';
/**
 * A recipient's delivery status. Each recipient is in exactly one status at a time, so the campaign's
 * counts are a histogram that always adds up to `total`, and can be recomputed from the recipients.
 */
export type RecipientStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'skipped';

export const RECIPIENT_STATUSES: readonly RecipientStatus[] = [
  'queued',
  'sent',
  'delivered',
  'read',
  'failed',
  'skipped',
];

/** Nothing more will be sent to a recipient in one of these statuses. */
export function isSettled(status: RecipientStatus): boolean {
  return status !== 'queued';
}

export type Counts = Record<RecipientStatus | 'total', number>;

export function emptyCounts(): Counts {
  return { total: 0, queued: 0, sent: 0, delivered: 0, read: 0, failed: 0, skipped: 0 };
}

export function addCounts(a: Counts, b: Partial<Counts>): Counts {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k as keyof Counts] += v ?? 0;
  return out;
}

/** How WhatsApp bills a message, from the `pricing` object of its statuses. */
export interface Pricing {
  readonly category: string;
  readonly billable: boolean;
}

/** A delivery status from a webhook, applied monotonically: sent < delivered < read; failed ends the attempt. */
export interface StatusUpdate {
  readonly status: 'sent' | 'delivered' | 'read' | 'failed';
  readonly at: string;
  readonly wamid: string;
  readonly error?: SendError;
  readonly pricing?: Pricing;
}

/** When a recipient was sent, delivered and read, as far as known. */
export interface Stamps {
  readonly sentAt?: string;
  readonly deliveredAt?: string;
  readonly readAt?: string;
}

/**
 * What applying a status changed: the status before and after, when it moved (for the counters), and for
 * the analytics the times known before and after the write and the pricing it recorded first.
 */
export type StatusChange = (
  | { readonly changed: true; readonly from: RecipientStatus; readonly to: RecipientStatus }
  /** `stays`: the status it kept, when the write recorded a late time or the pricing. */
  | { readonly changed: false; readonly stays?: RecipientStatus }
) & {
  readonly stamps?: { readonly before: Stamps; readonly after: Stamps };
  readonly firstPricing?: Pricing;
};

/**
 * Which statuses a webhook status may move a recipient or message on from: progress only goes forward,
 * so a late "delivered" after "read" changes nothing and a status delivered twice counts once.
 */
export const MOVES_FROM: Readonly<Record<StatusUpdate['status'], readonly RecipientStatus[]>> = {
  // "queued": the send timed out on our side but WhatsApp had accepted it; the webhook settles it.
  sent: ['queued'],
  delivered: ['queued', 'sent'],
  read: ['queued', 'sent', 'delivered'],
  failed: ['queued', 'sent'],
};

export function canMove(from: RecipientStatus, to: StatusUpdate['status']): boolean {
  return MOVES_FROM[to].includes(from);
}

/** The statuses the per-minute timeline counts arrivals in. */
export const TIMELINE_STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;

/** One minute of a campaign: how many recipients arrived in each status (UTC, `YYYY-MM-DDTHH:MM`). */
export type TimelinePoint = { minute: string } & Record<(typeof TIMELINE_STATUSES)[number], number>;

export function minuteOf(at: Date): string {
  return at.toISOString().slice(0, 16);
}

/**
 * Which statuses a recipient can have been in just before each status (nearest first), the reverse of
 * MOVES_FROM plus the send results (queued -> sent | failed | skipped).
 */
const CAME_FROM: Readonly<Record<Exclude<RecipientStatus, 'queued'>, readonly RecipientStatus[]>> = {
  read: ['delivered', 'sent', 'queued'],
  delivered: ['sent', 'queued'],
  sent: ['queued'],
  failed: ['sent', 'queued'],
  skipped: ['queued'],
};

/**
 * The counters as a reader should see them. Each transition moves its recipient's status first and its
 * counter (-1 from, +1 to, in one write) just after, so a read adds up to `total` at every moment; but two
 * transitions of one recipient may land in the other order (a webhook's sent -> delivered before the
 * worker's queued -> sent), leaving a counter briefly below zero. A negative counter means that many
 * recipients left the status before their arrival was counted, so they are still counted in a status
 * they came from: moving them back there (nearest first) shows the state of the moment, still adding up
 * to the total, with no counter negative or above it. `waiting` is a part of `queued` and stays within it.
 */
export function presentCounts(raw: Counts, waiting: number): { counts: Counts; waiting: number } {
  const counts = { ...raw };
  for (const status of ['read', 'delivered', 'sent', 'failed', 'skipped'] as const) {
    for (const from of CAME_FROM[status]) {
      if (counts[status] >= 0) break;
      const moved = Math.min(-counts[status], Math.max(0, counts[from]));
      counts[status] += moved;
      counts[from] -= moved;
    }
  }
  return { counts, waiting: Math.min(Math.max(0, waiting), Math.max(0, counts.queued)) };
}
