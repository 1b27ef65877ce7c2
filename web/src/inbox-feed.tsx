/**
 * The conversations the console holds while it is open, kept fresh by the change feed: one query every
 * 1.5 seconds for everything changed since the newest change held (minus a few seconds), merged by contact.
 * The nav badge, the browser notifications and the inbox screen all read this one copy.
 */
import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { paths } from '../../clients/typescript';
import { api, call } from './api';
import {
  type Conversation,
  FILTERS,
  feedSince,
  type InboxFilter,
  mergeConversations,
  waitingCount,
} from './inbox';
import type { Problem } from './problems';
import { navigate } from './router';

/** The feed's pace, like a running campaign's page. */
export const FEED_POLL_MS = 1_500;
/** After this many failed polls in a row the feed slows down to SLOW_POLL_MS and says so. */
export const FEED_FAILURES_TO_SLOW = 3;
export const SLOW_POLL_MS = 15_000;
/** A view's first load reads this many pages at most (filters are applied after DynamoDB reads a page). */
const FIRST_LOAD_PAGES = 5;
const PAGE = 100;

export interface InboxFeed {
  readonly conversations: ReadonlyMap<string, Conversation>;
  /** False until the first load answered. */
  readonly ready: boolean;
  /** Conversations waiting for a person that nobody took (the badge). */
  readonly waiting: number;
  /** Set while polls fail; the error says what happened and how often it is tried again. */
  readonly problem?: Problem;
  readonly slowed: boolean;
  /** How often a slowed feed tries again. */
  readonly slowPollMs: number;
  /** An answer that carries a conversation (an action's, a detail view's): merged at once. */
  put(c: Conversation): void;
  /** A view's first pages from the API (older conversations the feed never brought); answers the cursor. */
  loadView(filter: InboxFilter, cursor?: string): Promise<{ nextCursor?: string; problem?: Problem }>;
  /** Poll now (after a slowed feed, when the person asks). */
  retry(): void;
}

export const InboxFeedContext = createContext<InboxFeed | undefined>(undefined);

export function useInboxFeedContext(): InboxFeed {
  const feed = useContext(InboxFeedContext);
  if (!feed) throw new Error('the inbox feed is provided by the signed-in shell');
  return feed;
}

type ListQuery = NonNullable<paths['/api/conversations']['get']['parameters']['query']>;

function listPage(query: ListQuery) {
  return call(api.GET('/api/conversations', { params: { query: { limit: PAGE, ...query } } }));
}

/** Up to `pages` pages of a filtered list (a filtered page may be short or empty and still go on). */
async function loadPages(query: ListQuery, pages: number, cursor?: string) {
  const items: Conversation[] = [];
  let next = cursor;
  for (let i = 0; i < pages; i++) {
    const out = await listPage({ ...query, ...(next ? { cursor: next } : {}) });
    if (!out.ok) return { items, problem: out.problem, nextCursor: next };
    items.push(...out.data.items);
    next = out.data.nextCursor;
    if (!next || items.length >= 50) break;
  }
  return { items, ...(next ? { nextCursor: next } : {}) };
}

/** The shell's feed: starts when a person is signed in, stops when the shell goes (tests poll faster). */
export function useInboxFeed(
  pace: { pollMs: number; slowMs: number } = { pollMs: FEED_POLL_MS, slowMs: SLOW_POLL_MS },
): InboxFeed {
  const held = useRef<ReadonlyMap<string, Conversation>>(new Map());
  const [conversations, setConversations] = useState<ReadonlyMap<string, Conversation>>(held.current);
  const [ready, setReady] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const [slowed, setSlowed] = useState(false);
  const wake = useRef<() => void>(() => undefined);

  const merge = (incoming: readonly Conversation[], tell: boolean) => {
    const merged = mergeConversations(held.current, incoming);
    if (!merged.changed) return;
    held.current = merged.conversations;
    setConversations(merged.conversations);
    if (tell) for (const c of merged.newlyOpen) notifyWaiting(c);
  };

  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let started = false;

    /** The first load: the latest conversations, and every one waiting for a person (for the badge). */
    const start = async (): Promise<Problem | undefined> => {
      const [latest, open] = await Promise.all([
        listPage({}),
        loadPages({ status: 'open' }, FIRST_LOAD_PAGES),
      ]);
      if (!alive) return undefined;
      if (!latest.ok) return latest.problem;
      merge([...open.items, ...latest.data.items], false);
      started = true;
      setReady(true);
      return open.problem;
    };

    /** One poll: the feed since the newest change held, following its cursor when a burst overflows a page. */
    const poll = async (): Promise<Problem | undefined> => {
      const since = feedSince(held.current) ?? new Date(0).toISOString();
      let cursor: string | undefined;
      for (let i = 0; i < 10; i++) {
        const out = await listPage({ changedSince: since, ...(cursor ? { cursor } : {}) });
        if (!alive) return undefined;
        if (!out.ok) return out.problem;
        merge(out.data.items, true);
        cursor = out.data.nextCursor;
        if (!cursor) break;
      }
      return undefined;
    };

    let running = false;
    const tick = async () => {
      running = true;
      const failed = started ? await poll() : await start();
      running = false;
      if (!alive) return;
      failures = failed ? failures + 1 : 0;
      // Like a campaign page, repeated failures are shown in words; the inbox keeps trying, slowly.
      setProblem(failed);
      setSlowed(failures >= FEED_FAILURES_TO_SLOW);
      timer = setTimeout(tick, failures >= FEED_FAILURES_TO_SLOW ? pace.slowMs : pace.pollMs);
    };
    wake.current = () => {
      if (running) return; // a poll is under way; its answer comes soon enough
      clearTimeout(timer);
      void tick();
    };
    void tick();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, []);

  return {
    conversations,
    ready,
    waiting: waitingCount(conversations),
    ...(problem ? { problem } : {}),
    slowed,
    slowPollMs: pace.slowMs,
    put: (c) => merge([c], false),
    async loadView(filter, cursor) {
      const query = FILTERS.find((f) => f.id === filter)?.query ?? {};
      const out = await loadPages(query, FIRST_LOAD_PAGES, cursor);
      merge(out.items, false);
      return {
        ...(out.nextCursor ? { nextCursor: out.nextCursor } : {}),
        ...(out.problem ? { problem: out.problem } : {}),
      };
    },
    retry: () => wake.current(),
  };
}

/* ---------- browser notifications ---------- */

export type NotificationState = 'unsupported' | NotificationPermission;

export function notificationState(): NotificationState {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** A conversation now waits for a person: a notification, when the person allowed them. */
function notifyWaiting(c: Conversation): void {
  if (notificationState() !== 'granted') return;
  try {
    const n = new Notification('A customer is waiting for a person', {
      body: `${c.profileName ?? c.contact}: ${c.lastMessagePreview}`,
      tag: `inbox-${c.contact}`,
    });
    n.onclick = () => {
      window.focus();
      navigate('inbox', c.contact);
      n.close();
    };
  } catch {
    // Some browsers allow notifications only from a service worker; the badge still says it.
  }
}
