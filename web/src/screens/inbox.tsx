/**
 * The support inbox: the conversations a person may have to answer, beside the open thread and the
 * contact. The list is the shell's feed (polled every 1.5 s), filtered and ordered here; a filter's first
 * pages also come from the API, for conversations older than what the feed brought.
 */
import { useEffect, useState } from 'preact/hooks';
import { ErrorNote, formatTime, Loading } from '../components/ui';
import { useNow } from '../components/use-now';
import {
  type Conversation,
  conversationsFor,
  FILTERS,
  type InboxFilter,
  statusText,
  waitedText,
} from '../inbox';
import { FEED_POLL_MS, type NotificationState, notificationState, useInboxFeedContext } from '../inbox-feed';
import type { Problem } from '../problems';
import { href } from '../router';
import { useSession } from '../session';
import { ConversationThread } from './inbox-thread';

/** "+4915..." and "4915..." name the same conversation (the "+" is easy to lose in a link). */
export function contactOf(raw: string): string {
  const value = raw.trim();
  return /^\d{6,15}$/.test(value) ? `+${value}` : value;
}

export function InboxScreen({ contact: raw }: { contact?: string }) {
  const contact = raw ? contactOf(raw) : undefined;
  const feed = useInboxFeedContext();
  const me = useSession().user;
  const [filter, setFilter] = useState<InboxFilter>('waiting');
  const [view, setView] = useState<{ busy: boolean; nextCursor?: string; problem?: Problem }>({
    busy: true,
  });
  const now = useNow(30_000);

  const loadView = async (cursor?: string) => {
    setView((v) => ({ ...v, busy: true }));
    const out = await feed.loadView(filter, cursor);
    setView({ busy: false, ...out });
  };
  useEffect(() => {
    void loadView();
  }, [filter]);

  const list = conversationsFor(feed.conversations, filter, me.id);
  const counts = Object.fromEntries(
    FILTERS.map((f) => [f.id, conversationsFor(feed.conversations, f.id, me.id).length]),
  ) as Record<InboxFilter, number>;
  const label = FILTERS.find((f) => f.id === filter)?.label ?? '';

  return (
    <div class={`inbox${contact ? ' has-thread' : ''}`}>
      <section class="inbox-list" aria-labelledby="inbox-title">
        <div class="spread">
          <h1 id="inbox-title">Inbox</h1>
          <NotificationsButton />
        </div>
        <fieldset class="filters">
          <legend class="sr-only">Show conversations</legend>
          {FILTERS.map((f) => (
            <button key={f.id} type="button" aria-pressed={filter === f.id} onClick={() => setFilter(f.id)}>
              {f.label}
              {f.id === 'waiting' || f.id === 'mine' || f.id === 'unassigned' ? ` (${counts[f.id]})` : ''}
            </button>
          ))}
        </fieldset>
        {feed.problem ? (
          <div class="error" role="alert">
            <p>
              {feed.slowed
                ? `New messages are not coming in: the last polls failed (${feed.problem.message}). Trying again every ${feed.slowPollMs / 1000} seconds.`
                : `Could not check for new messages (${feed.problem.message}); trying again.`}
            </p>
            {feed.slowed ? (
              <button type="button" onClick={feed.retry}>
                Try now
              </button>
            ) : null}
          </div>
        ) : null}
        <ErrorNote problem={view.problem} />
        {!feed.ready && !feed.problem ? (
          <Loading what="the conversations" />
        ) : list.length === 0 ? (
          <p class="muted">
            {view.busy ? 'Looking for conversations…' : `No conversations here (${label.toLowerCase()}).`}
          </p>
        ) : (
          <ul class="conversations" aria-label={`${label}: ${list.length} conversations`}>
            {list.map((c) => (
              <ConversationItem
                key={c.contact}
                conversation={c}
                current={c.contact === contact}
                me={me.id}
                now={now}
              />
            ))}
          </ul>
        )}
        {view.nextCursor ? (
          <div class="actions">
            <button type="button" disabled={view.busy} onClick={() => void loadView(view.nextCursor)}>
              {view.busy ? 'Loading…' : 'Older conversations'}
            </button>
          </div>
        ) : null}
        <p class="hint">Updates every {FEED_POLL_MS / 1000} seconds while the console is open.</p>
      </section>
      {contact ? (
        <ConversationThread key={contact} contact={contact} />
      ) : (
        <p class="inbox-empty muted">Choose a conversation to read it and answer.</p>
      )}
    </div>
  );
}

function ConversationItem(props: { conversation: Conversation; current: boolean; me: string; now: Date }) {
  const c = props.conversation;
  const waited = waitedText(c.waitingSince, props.now);
  return (
    <li>
      <a
        class={`conversation status-${c.status}`}
        href={href('inbox', c.contact)}
        aria-current={props.current ? 'page' : undefined}
      >
        <span class="spread">
          <strong>{c.profileName ?? c.contact}</strong>
          {c.unread ? (
            <span class="badge unread" title="Unread messages">
              {c.unread} unread
            </span>
          ) : null}
        </span>
        <span class="preview">
          {c.lastDirection === 'out' ? <span class="muted">Sent: </span> : null}
          {c.lastMessagePreview}
        </span>
        <small class="muted">
          {waited ? (
            <span class="waited">{waited}</span>
          ) : (
            <time dateTime={c.lastMessageAt}>{formatTime(c.lastMessageAt)}</time>
          )}
          {' · '}
          {c.status === 'open' ? 'unassigned' : statusText(c, props.me)}
        </small>
      </a>
    </li>
  );
}

/**
 * "Turn on notifications": the browser asks the person once. A refusal (or a browser that blocks them)
 * is said in words, with where to change it; the badge counts either way.
 */
function NotificationsButton() {
  const [state, setState] = useState<NotificationState>(notificationState);
  if (state === 'granted') return <span class="muted">Notifications on</span>;
  if (state === 'unsupported')
    return <span class="muted">This browser shows no notifications; the Inbox badge counts who waits.</span>;
  if (state === 'denied')
    return (
      <span class="muted" role="status">
        The browser blocks notifications for this console; allow them in the site settings (beside the
        address) to be told when a customer waits.
      </span>
    );
  return (
    <button
      type="button"
      onClick={async () => {
        try {
          setState(await Notification.requestPermission());
        } catch {
          setState(notificationState());
        }
      }}
    >
      Turn on notifications
    </button>
  );
}
