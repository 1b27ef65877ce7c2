import type { WebhookChange } from './webhook';

/** Largest events-queue message: SQS takes 256 KB; the rest is headroom. */
export const MAX_EVENT_BYTES = 200 * 1024;

const SPLITTABLE = ['statuses', 'messages', 'errors', 'user_preferences'] as const;

/**
 * Splits a change until each piece fits one queue message: the largest item list is halved, the other
 * fields (metadata, contacts) copied into both halves. A webhook may carry 3 MB and 1,000 updates.
 */
export function splitChange(change: WebhookChange, maxBytes = MAX_EVENT_BYTES): WebhookChange[] {
  if (Buffer.byteLength(JSON.stringify(change)) <= maxBytes) return [change];
  const lists = SPLITTABLE.map((k) => [k, change.value[k]] as const).filter(
    (entry): entry is readonly [(typeof SPLITTABLE)[number], unknown[]] =>
      Array.isArray(entry[1]) && entry[1].length > 1,
  );
  const largest = lists.sort((a, b) => JSON.stringify(b[1]).length - JSON.stringify(a[1]).length)[0];
  if (!largest) return [change]; // a single oversized item: nothing to split, let the queue refuse it loudly
  const [key, items] = largest;
  const half = Math.ceil(items.length / 2);
  return [items.slice(0, half), items.slice(half)].flatMap((part) =>
    splitChange({ ...change, value: { ...change.value, [key]: part } }, maxBytes),
  );
}
