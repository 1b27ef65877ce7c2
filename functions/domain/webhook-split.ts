import type { WebhookChange } from './webhook';

/** Largest events-queue message: SQS takes 256 KB; the rest is headroom. */
export const MAX_EVENT_BYTES = 200 * 1024;

/** The lists of updates a change carries; each update is applied once, so each goes in exactly one piece. */
export const UPDATE_LISTS = ['statuses', 'messages', 'errors', 'user_preferences'] as const;
type UpdateList = (typeof UPDATE_LISTS)[number];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

/** The ids an update names its customer by, so a piece carries only the contacts its updates need. */
function customerIds(item: unknown): string[] {
  if (!isObj(item)) return [];
  return ['from', 'from_user_id', 'recipient_id', 'recipient_user_id', 'wa_id']
    .map((k) => item[k])
    .filter((v): v is string => typeof v === 'string' && v !== '');
}

function contactIds(contact: unknown): string[] {
  if (!isObj(contact)) return [];
  return ['wa_id', 'user_id']
    .map((k) => contact[k])
    .filter((v): v is string => typeof v === 'string' && v !== '');
}

/**
 * Splits a change so each piece fits one queue message, partitioning its updates: every status, message,
 * error and preference goes in exactly one piece, in Meta's order, never copied into two (a copy would be
 * applied and counted again, and a 3 MB webhook would grow into many times its size). Each piece keeps
 * the change's other fields (metadata) and the contacts its own updates name; contacts no update names go
 * with the first piece. A single update too large for a message becomes a piece of its own, larger than
 * the limit: the caller parks it (it cannot be queued).
 */
export function splitChange(change: WebhookChange, maxBytes = MAX_EVENT_BYTES): WebhookChange[] {
  if (bytes(change) <= maxBytes) return [change];
  const value = change.value;
  const contacts = Array.isArray(value.contacts) ? value.contacts : [];
  const base: Obj = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'contacts' || (UPDATE_LISTS as readonly string[]).includes(k)) continue;
    base[k] = v;
  }
  const lists = UPDATE_LISTS.map((k) => [k, Array.isArray(value[k]) ? (value[k] as unknown[]) : []] as const);
  if (lists.every(([, items]) => items.length === 0)) return [change];

  const contactsFor = (items: readonly unknown[]) => {
    const wanted = new Set(items.flatMap(customerIds));
    return contacts.filter((c) => contactIds(c).some((id) => wanted.has(id)));
  };
  const piece = (key: UpdateList, items: unknown[]): WebhookChange => {
    const own = contactsFor(items);
    return {
      ...change,
      value: { ...base, ...(own.length > 0 ? { contacts: own } : {}), [key]: items },
    };
  };

  const pieces: WebhookChange[] = [];
  const baseBytes = bytes({ ...change, value: base }) + 64;
  for (const [key, items] of lists) {
    let current: unknown[] = [];
    let size = baseBytes;
    for (const item of items) {
      // An item's own size plus the contacts it may bring; measured once, summed as the piece grows.
      const itemBytes = bytes(item) + bytes(contactsFor([item])) + 1;
      if (current.length > 0 && size + itemBytes > maxBytes) {
        pieces.push(piece(key, current));
        current = [];
        size = baseBytes;
      }
      current.push(item);
      size += itemBytes;
    }
    if (current.length > 0) pieces.push(piece(key, current));
  }

  // Contacts none of the updates name (a profile on its own) still reach the consumer, once.
  const named = new Set(pieces.flatMap((p) => (p.value.contacts as unknown[] | undefined) ?? []));
  const unnamed = contacts.filter((c) => !named.has(c));
  if (unnamed.length > 0 && pieces[0]) {
    const first = pieces[0];
    const theirs = (first.value.contacts as unknown[] | undefined) ?? [];
    pieces[0] = { ...first, value: { ...first.value, contacts: [...theirs, ...unnamed] } };
  }
  return pieces;
}
