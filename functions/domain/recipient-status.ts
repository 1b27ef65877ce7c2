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

/** Progress only moves forward: a late "delivered" after "read" changes nothing. */
export const STATUS_RANK: Readonly<Record<RecipientStatus, number>> = {
  queued: 0,
  sent: 1,
  delivered: 2,
  read: 3,
  failed: 1,
  skipped: 1,
};

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
