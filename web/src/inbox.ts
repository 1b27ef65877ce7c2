/**
 * The inbox's rules, without a DOM: merging the change feed into the conversations held, the filters and
 * their order (longest wait first), the times in words ("waiting 12 min", "Window closes in 3 h 12 min"),
 * the delivery ticks, which actions a person may take (the server's own state machine decides), and the
 * thread's messages in order. Component tests call these directly.
 */
import type { components } from '../../clients/typescript';
import { type StatusAction, transition } from '../../functions/domain/conversation-status';
import { adviceForError } from '../../functions/domain/error-advice';
import { SERVICE_WINDOW_MS } from '../../functions/domain/send-decision';

export type Conversation = components['schemas']['Conversation'];
export type ConversationMessage = components['schemas']['ConversationMessage'];
export type Delivery = NonNullable<ConversationMessage['delivery']>;
export type StatusChange = components['schemas']['ConversationStatusChange'];

/* ---------- the change feed ---------- */

/** The feed is asked from this far before the newest change held, so a change written late is not missed. */
export const FEED_OVERLAP_MS = 5_000;

const changedAtOf = (c: Conversation) => Date.parse(c.changedAt ?? c.lastMessageAt) || 0;

/** The `changedSince` of the next poll: the largest changedAt held minus the overlap; undefined when none. */
export function feedSince(held: ReadonlyMap<string, Conversation>): string | undefined {
  let newest = 0;
  for (const c of held.values()) newest = Math.max(newest, changedAtOf(c));
  return newest > 0 ? new Date(newest - FEED_OVERLAP_MS).toISOString() : undefined;
}

export interface Merged {
  readonly conversations: Map<string, Conversation>;
  /** Whether anything held changed (a poll that brings only what is known re-renders nothing). */
  readonly changed: boolean;
  /** Conversations that were not waiting for a person and now are (status open): the ones to tell about. */
  readonly newlyOpen: Conversation[];
}

/**
 * Conversations from the feed (oldest change first) or from a page, merged by contact: a conversation
 * replaces the one held unless the one held changed later (a slow page cannot undo a newer poll).
 */
export function mergeConversations(
  held: ReadonlyMap<string, Conversation>,
  incoming: readonly Conversation[],
): Merged {
  const conversations = new Map(held);
  const newlyOpen = new Map<string, Conversation>();
  let changed = false;
  for (const c of incoming) {
    const before = conversations.get(c.contact);
    if (before && changedAtOf(before) > changedAtOf(c)) continue;
    let next = c;
    // Two copies of the same change: the one with the lower unread count is the later one (a poll
    // answered before this console's own read cannot bring the count back).
    if (before && changedAtOf(before) === changedAtOf(c) && (before.unread ?? 0) < (c.unread ?? 0))
      next = { ...next, unread: before.unread ?? 0 };
    // A list item has no history; keep the one a detail view fetched until a newer one comes.
    if (before?.history && !next.history) next = { ...next, history: before.history };
    if (before && sameConversation(before, next)) continue;
    conversations.set(c.contact, next);
    changed = true;
    if (c.status === 'open' && before?.status !== 'open') newlyOpen.set(c.contact, c);
    else if (c.status !== 'open') newlyOpen.delete(c.contact);
  }
  return { conversations, changed, newlyOpen: [...newlyOpen.values()] };
}

function sameConversation(a: Conversation, b: Conversation): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  keys.delete('history');
  for (const k of keys) {
    if (a[k as keyof Conversation] !== b[k as keyof Conversation]) return false;
  }
  return true;
}

/** The badge: conversations waiting for a person that nobody has taken. */
export function waitingCount(held: ReadonlyMap<string, Conversation>): number {
  let n = 0;
  for (const c of held.values()) if (c.status === 'open') n++;
  return n;
}

/* ---------- filters and order ---------- */

/** "assigned to Ana", "waiting for a person", in words. */
export function statusText(c: Conversation, me: string): string {
  switch (c.status) {
    case 'ai':
      return c.aiEnabled ? 'the assistant answers' : 'the assistant is off';
    case 'open':
      return 'waiting for a person';
    case 'assigned':
      return c.assigneeId === me ? 'assigned to you' : `assigned to ${c.assigneeName ?? c.assigneeId}`;
    case 'resolved':
      return 'resolved';
  }
}

export type InboxFilter = 'waiting' | 'mine' | 'unassigned' | 'ai' | 'resolved';

type ListQuery = { needsHuman?: 'true'; assignee?: string; status?: Conversation['status'] };

export const FILTERS: readonly {
  readonly id: InboxFilter;
  readonly label: string;
  /** What the API is asked for a first page of this view. */
  readonly query: ListQuery;
  readonly matches: (c: Conversation, me: string) => boolean;
}[] = [
  {
    id: 'waiting',
    label: 'Waiting for a person',
    query: { needsHuman: 'true' },
    matches: (c) => c.status === 'open' || c.status === 'assigned',
  },
  {
    id: 'mine',
    label: 'Mine',
    query: { assignee: 'me' },
    matches: (c, me) => c.status === 'assigned' && c.assigneeId === me,
  },
  { id: 'unassigned', label: 'Unassigned', query: { status: 'open' }, matches: (c) => c.status === 'open' },
  { id: 'ai', label: 'AI', query: { status: 'ai' }, matches: (c) => c.status === 'ai' },
  {
    id: 'resolved',
    label: 'Resolved',
    query: { status: 'resolved' },
    matches: (c) => c.status === 'resolved',
  },
];

/**
 * A view's conversations: those whose customer waits, longest wait first; then the others, latest change
 * first.
 */
export function conversationsFor(
  held: ReadonlyMap<string, Conversation>,
  filter: InboxFilter,
  me: string,
): Conversation[] {
  const f = FILTERS.find((x) => x.id === filter) ?? FILTERS[0]!;
  return sortByWait([...held.values()].filter((c) => f.matches(c, me)));
}

export function sortByWait(list: readonly Conversation[]): Conversation[] {
  const waited = (c: Conversation) => (c.waitingSince ? Date.parse(c.waitingSince) : Number.NaN);
  return [...list].sort((a, b) => {
    const wa = waited(a);
    const wb = waited(b);
    if (!Number.isNaN(wa) && !Number.isNaN(wb)) return wa - wb || a.contact.localeCompare(b.contact);
    if (!Number.isNaN(wa)) return -1;
    if (!Number.isNaN(wb)) return 1;
    return changedAtOf(b) - changedAtOf(a) || a.contact.localeCompare(b.contact);
  });
}

/* ---------- times in words ---------- */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "less than a minute", "12 min", "3 h 12 min", "2 d 5 h" (rounded down). */
export function durationText(ms: number): string {
  if (ms < MINUTE) return 'less than a minute';
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min`;
  if (ms <= DAY) {
    const minutes = Math.floor((ms % HOUR) / MINUTE);
    return `${Math.floor(ms / HOUR)} h${minutes ? ` ${minutes} min` : ''}`;
  }
  const hours = Math.floor((ms % DAY) / HOUR);
  return `${Math.floor(ms / DAY)} d${hours ? ` ${hours} h` : ''}`;
}

/** "waiting 12 min": how long the customer's oldest unanswered message has waited. */
export function waitedText(waitingSince: string | undefined, now: Date): string | undefined {
  const since = waitingSince ? Date.parse(waitingSince) : Number.NaN;
  if (Number.isNaN(since)) return undefined;
  return `waiting ${durationText(Math.max(0, now.getTime() - since))}`;
}

export interface ServiceWindow {
  readonly open: boolean;
  /** When it closes (or closed); undefined when the customer never wrote. */
  readonly closesAt?: Date;
  /** "Window closes in 3 h 12 min", "Window closed 2 h ago", "The customer has not written yet". */
  readonly text: string;
}

/** WhatsApp's 24-hour customer service window, from the customer's last message. */
export function serviceWindow(lastInboundAt: string | undefined, now: Date): ServiceWindow {
  const last = lastInboundAt ? Date.parse(lastInboundAt) : Number.NaN;
  if (Number.isNaN(last)) return { open: false, text: 'The customer has not written yet' };
  const closesAt = new Date(last + SERVICE_WINDOW_MS);
  // WhatsApp's clock may be a little ahead of this computer's: never more than the whole window.
  const left = Math.min(closesAt.getTime() - now.getTime(), SERVICE_WINDOW_MS);
  return left > 0
    ? { open: true, closesAt, text: `Window closes in ${durationText(left)}` }
    : { open: false, closesAt, text: `Window closed ${durationText(-left)} ago` };
}

/** The later of two times (either may be missing). */
export function latestOf(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/* ---------- delivery ticks ---------- */

export interface Tick {
  readonly mark: string;
  readonly status: Delivery['status'] | 'pending';
  /** What the mark means, in words (its accessible name). */
  readonly label: string;
  /** A failure's reason and what to do about it. */
  readonly reason?: string;
}

/** sent ✓, delivered ✓✓, read ✓✓ (highlighted), failed with the reason; nothing reported yet: pending. */
export function tickOf(delivery: Delivery | undefined): Tick {
  switch (delivery?.status) {
    case undefined:
      return { mark: '…', status: 'pending', label: 'not reported by WhatsApp yet' };
    case 'sent':
      return { mark: '✓', status: 'sent', label: 'sent' };
    case 'delivered':
      return { mark: '✓✓', status: 'delivered', label: 'delivered' };
    case 'read':
      return { mark: '✓✓', status: 'read', label: 'read' };
    case 'failed': {
      const e = delivery.error;
      // Meta often repeats its title as the message; the details say what exactly was wrong.
      const said = e
        ? [e.title, e.message === e.title ? undefined : e.message, e.details].filter(Boolean).join(': ')
        : 'no reason given';
      const code = e?.code === null || e?.code === undefined ? '' : ` (${e.code})`;
      return {
        mark: '!',
        status: 'failed',
        label: 'failed',
        reason: `${said}${code}. ${adviceForError(e ? e.code : undefined)}`,
      };
    }
  }
}

/* ---------- actions ---------- */

export type ConversationAction = 'claim' | 'assign' | 'resolve' | 'handoff' | 'release';

export interface Person {
  readonly id: string;
  readonly name: string;
  readonly admin: boolean;
}

/** What this person may do now, by the same state machine the server checks (a refused one is hidden). */
export function actionsFor(c: Conversation, me: Person): ConversationAction[] {
  const state = {
    status: c.status,
    aiEnabled: c.aiEnabled,
    ...(c.assigneeId ? { assigneeId: c.assigneeId } : {}),
    ...(c.assigneeName ? { assigneeName: c.assigneeName } : {}),
  };
  const actor = { kind: 'user' as const, ...me };
  const allows = (action: StatusAction) => {
    const result = transition(state, action, actor);
    return result.ok && result.changed;
  };
  const self = { id: me.id, name: me.name };
  const out: ConversationAction[] = [];
  if (allows({ type: 'claim', assignee: self })) out.push('claim');
  if (me.admin && c.status !== 'resolved') out.push('assign');
  if (allows({ type: 'handoff' })) out.push('handoff');
  if (allows({ type: 'release' })) out.push('release');
  if (allows({ type: 'resolve' })) out.push('resolve');
  return out;
}

/** A status change in words: "Ana Agent claimed it", "The assistant handed it to a person (no_relevant_passage)". */
export function describeChange(h: StatusChange, me: string): string {
  const who =
    h.by.kind === 'assistant'
      ? 'The assistant'
      : h.by.kind === 'customer'
        ? 'The customer'
        : h.by.id === me && h.by.kind === 'user'
          ? 'You'
          : `${h.by.name ?? h.by.id ?? 'Someone'}${h.by.kind === 'api' ? ' (API key)' : ''}`;
  switch (h.action) {
    case 'handoff':
      return `${who} handed it to a person${h.reason ? ` (${h.reason.replaceAll('_', ' ')})` : ''}`;
    case 'claim':
      return `${who} claimed it`;
    case 'assign':
      return `${who} assigned it to ${h.assigneeName ?? h.assigneeId ?? 'someone'}`;
    case 'resolve':
      return `${who} resolved it`;
    case 'customer_message':
      return `The customer wrote again: it went to ${h.to === 'ai' ? 'the assistant' : 'the team'}`;
    case 'release':
      return `${who} gave it back to the assistant`;
  }
}

/* ---------- the thread ---------- */

/** Messages by time (then id), each once; a later copy (with a newer delivery status) wins. */
export function mergeMessages(
  held: readonly ConversationMessage[],
  incoming: readonly ConversationMessage[],
): ConversationMessage[] {
  const byId = new Map(held.map((m) => [m.wamid, m]));
  for (const m of incoming) byId.set(m.wamid, m);
  return [...byId.values()].sort(
    (a, b) => Date.parse(a.at) - Date.parse(b.at) || (a.wamid < b.wamid ? -1 : a.wamid > b.wamid ? 1 : 0),
  );
}

/** The campaigns the contact received, as the thread shows them, first one first. */
export function campaignsIn(messages: readonly ConversationMessage[]): string[] {
  return [...new Set(messages.flatMap((m) => (m.campaignId ? [m.campaignId] : [])))];
}

/** When the customer last wrote, as far as the thread shows. */
export function lastInboundIn(messages: readonly ConversationMessage[]): string | undefined {
  let last: string | undefined;
  for (const m of messages) if (m.direction === 'in') last = latestOf(last, m.at);
  return last;
}
