/**
 * One conversation in the inbox: who it is with and who has it, the actions its status allows, the
 * messages (polled every 1.5 s, newest page first, shown oldest first) with delivery ticks, media and
 * notes, the reply box, and the contact beside it.
 */
import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { components } from '../../../clients/typescript';
import { api, call, type Outcome } from '../api';
import { Attributes, ConfirmButton, ErrorNote, formatTime, Loading, Notice } from '../components/ui';
import { useAction } from '../components/use-action';
import { useNow } from '../components/use-now';
import {
  actionsFor,
  type Conversation,
  type ConversationMessage,
  campaignsIn,
  type Delivery,
  describeChange,
  lastInboundIn,
  latestOf,
  mergeMessages,
  serviceWindow,
  statusText,
  tickOf,
} from '../inbox';
import { FEED_FAILURES_TO_SLOW, FEED_POLL_MS, SLOW_POLL_MS, useInboxFeedContext } from '../inbox-feed';
import type { Problem } from '../problems';
import { href } from '../router';
import { useSession } from '../session';
import { ReplyBox } from './inbox-reply';

type Contact = components['schemas']['Contact'];
type User = components['schemas']['User'];
type MessageMedia = components['schemas']['ConversationMedia'];

const THREAD_PAGE = 50;

/** The thread: the newest page polled, older pages added on request, each message once. */
function useThread(contact: string) {
  const [messages, setMessages] = useState<ConversationMessage[]>();
  const [older, setOlder] = useState<{ cursor?: string; busy: boolean }>({ busy: false });
  const [problem, setProblem] = useState<Problem>();
  const [slowed, setSlowed] = useState(false);
  const wake = useRef<() => void>(() => undefined);

  useEffect(() => {
    let alive = true;
    let first = true;
    let failures = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = false;
    let again = false;
    const tick = async () => {
      clearTimeout(timer);
      running = true;
      const out = await call(
        api.GET('/api/conversations/{contact}/messages', {
          params: { path: { contact }, query: { order: 'newest', limit: THREAD_PAGE } },
        }),
      );
      if (!alive) return;
      if (out.ok) {
        failures = 0;
        setMessages((prev) => mergeMessages(prev ?? [], out.data.items));
        if (first) setOlder({ busy: false, ...(out.data.nextCursor ? { cursor: out.data.nextCursor } : {}) });
        first = false;
        setProblem(undefined);
      } else {
        failures += 1;
        setProblem(out.problem);
      }
      setSlowed(failures >= FEED_FAILURES_TO_SLOW);
      running = false;
      if (again) {
        again = false;
        void tick();
        return;
      }
      timer = setTimeout(tick, failures >= FEED_FAILURES_TO_SLOW ? SLOW_POLL_MS : FEED_POLL_MS);
    };
    // After a reply: read again now, or right after the read under way (its answer may predate the reply).
    wake.current = () => {
      if (running) again = true;
      else void tick();
    };
    void tick();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [contact]);

  const loadOlder = async () => {
    if (!older.cursor) return;
    setOlder({ ...older, busy: true });
    const out = await call(
      api.GET('/api/conversations/{contact}/messages', {
        params: { path: { contact }, query: { order: 'newest', limit: THREAD_PAGE, cursor: older.cursor } },
      }),
    );
    if (!out.ok) {
      setProblem(out.problem);
      setOlder({ ...older, busy: false });
      return;
    }
    setMessages((prev) => mergeMessages(prev ?? [], out.data.items));
    setOlder({ busy: false, ...(out.data.nextCursor ? { cursor: out.data.nextCursor } : {}) });
  };

  return { messages, problem, slowed, older, loadOlder, refresh: () => wake.current() };
}

/** The contact's record, read again when the conversation has a new message (opt-outs, the window). */
function useContact(contact: string, refreshKey: string | undefined): Outcome<Contact> | undefined {
  const [out, setOut] = useState<Outcome<Contact>>();
  useEffect(() => {
    let current = true;
    void call(api.GET('/api/contacts/{contact}', { params: { path: { contact } } })).then(
      (answer) => current && setOut(answer),
    );
    return () => {
      current = false;
    };
  }, [contact, refreshKey]);
  return out;
}

export function ConversationThread({ contact }: { contact: string }) {
  const feed = useInboxFeedContext();
  const conversation = feed.conversations.get(contact);
  const [missing, setMissing] = useState<Problem>();
  const thread = useThread(contact);
  const details = useContact(contact, conversation?.lastMessageAt);
  // Re-rendered every 30 s for the time left; read at each render, so a message just in counts at once.
  useNow(30_000);
  const now = new Date();

  // The detail with its status history (the feed's items have none), read again when the status changes;
  // also a conversation the feed has not brought (an old one).
  useEffect(() => {
    void call(api.GET('/api/conversations/{contact}', { params: { path: { contact } } })).then((out) => {
      if (out.ok) feed.put(out.data);
      else setMissing(out.problem);
    });
  }, [contact, conversation?.statusChangedAt]);

  // A person opening a conversation (or reading it while new messages come in) has seen them.
  const readFor = useRef<string>();
  useEffect(() => {
    if (!conversation?.unread) return;
    const key = `${conversation.changedAt ?? ''}:${conversation.unread}`;
    if (readFor.current === key) return;
    readFor.current = key;
    void call(api.POST('/api/conversations/{contact}/read', { params: { path: { contact } } })).then(
      (out) => out.ok && feed.put(out.data),
    );
  }, [contact, conversation?.unread, conversation?.changedAt]);

  const contactRecord = details?.ok ? details.data : undefined;
  const lastInboundAt = latestOf(contactRecord?.lastInboundAt, lastInboundIn(thread.messages ?? []));
  const service = serviceWindow(lastInboundAt, now);

  if (!conversation) {
    return (
      <section class="inbox-thread">
        <p class="back">
          <a href={href('inbox')}>← Conversations</a>
        </p>
        {missing ? (
          missing.status === 404 ? (
            <p class="muted">There is no conversation with {contact}.</p>
          ) : (
            <ErrorNote problem={missing} />
          )
        ) : (
          <Loading what="the conversation" />
        )}
      </section>
    );
  }

  return (
    <>
      <section class="inbox-thread" aria-labelledby="thread-title">
        <p class="back">
          <a href={href('inbox')}>← Conversations</a>
        </p>
        <div class="spread">
          <h2 id="thread-title">{conversation.profileName ?? contact}</h2>
          <span class={`badge status-${conversation.status}`} aria-live="polite" data-testid="status">
            {conversation.status === 'ai' ? 'assistant' : conversation.status}
          </span>
        </div>
        <Actions conversation={conversation} />
        <Messages thread={thread} />
        <ReplyBox
          contact={contact}
          window={service}
          attributes={contactRecord?.attributes}
          optedOut={contactRecord?.optedOut === true}
          onSent={thread.refresh}
        />
      </section>
      <ContactPanel
        contact={contact}
        conversation={conversation}
        details={details}
        windowText={service.text}
        windowOpen={service.open}
        campaigns={campaignsIn(thread.messages ?? [])}
      />
    </>
  );
}

/* ---------- actions ---------- */

function Actions({ conversation: c }: { conversation: Conversation }) {
  const feed = useInboxFeedContext();
  const user = useSession().user;
  const me = { id: user.id, name: user.name, admin: user.role === 'admin' };
  const { busy, problem, setProblem, run } = useAction();
  const [notice, setNotice] = useState<string>();
  const available = actionsFor(c, me);
  const path = { params: { path: { contact: c.contact } } };

  const act = async (request: () => Promise<Outcome<Conversation>>, done: string) => {
    setNotice(undefined);
    const updated = await run(request);
    if (!updated) return;
    feed.put(updated);
    setNotice(done);
  };
  const claim = () =>
    act(() => call(api.POST('/api/conversations/{contact}/claim', path)), 'You have the conversation now.');

  return (
    <div class="thread-actions">
      <p class="muted">
        {statusText(c, me.id)}
        {c.status === 'ai' && !c.aiEnabled ? ' for this contact: nobody answers until a person takes it' : ''}
        {c.statusChangedAt ? ` · since ${formatTime(c.statusChangedAt)}` : ''}
      </p>
      <div class="actions">
        {available.includes('claim') ? (
          c.status === 'assigned' ? (
            <ConfirmButton
              label="Take over"
              question={`Take it from ${c.assigneeName ?? 'its owner'}?`}
              confirmLabel="Yes, take it"
              disabled={busy}
              onConfirm={claim}
            />
          ) : (
            <button type="button" class="primary" disabled={busy} onClick={claim}>
              Claim
            </button>
          )
        ) : null}
        {available.includes('handoff') ? (
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              act(
                () => call(api.POST('/api/conversations/{contact}/handoff', path)),
                'Handed to a person: it waits in Unassigned.',
              )
            }
          >
            Hand to a person
          </button>
        ) : null}
        {available.includes('release') ? (
          <ConfirmButton
            label="Give back to the assistant"
            question="Let the assistant answer this customer again?"
            confirmLabel="Yes, give it back"
            disabled={busy}
            onConfirm={() =>
              act(
                () =>
                  call(api.PATCH('/api/conversations/{contact}', { ...path, body: { needsHuman: false } })),
                'The assistant answers this conversation again.',
              )
            }
          />
        ) : null}
        {available.includes('resolve') ? (
          <ConfirmButton
            label="Resolve"
            question="Resolve it? The customer's next message starts it again."
            confirmLabel="Yes, resolve"
            disabled={busy}
            onConfirm={() =>
              act(() => call(api.POST('/api/conversations/{contact}/resolve', path)), 'Resolved.')
            }
          />
        ) : null}
        {available.includes('assign') ? (
          <AssignTo
            conversation={c}
            busy={busy}
            onAssign={(userId) =>
              act(
                () => call(api.POST('/api/conversations/{contact}/assign', { ...path, body: { userId } })),
                'Assigned.',
              )
            }
            onProblem={setProblem}
          />
        ) : null}
      </div>
      <ErrorNote problem={problem} />
      <Notice text={notice} />
      {c.history?.length ? (
        <details class="history">
          <summary>Who had it, and when ({c.history.length})</summary>
          <ul class="rows">
            {[...c.history].reverse().map((h, i) => (
              <li key={`${h.at}-${i}`}>
                <time dateTime={h.at}>{formatTime(h.at)}</time>: {describeChange(h, me.id)}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}

/** Admins give a conversation to any enabled user. */
function AssignTo(props: {
  conversation: Conversation;
  busy: boolean;
  onAssign: (userId: string) => void;
  onProblem: (p: Problem) => void;
}) {
  const [users, setUsers] = useState<User[]>();
  const [userId, setUserId] = useState('');
  useEffect(() => {
    void call(api.GET('/api/users')).then((out) => {
      if (out.ok) setUsers(out.data.items.filter((u) => !u.disabled));
      else props.onProblem(out.problem);
    });
  }, []);
  if (!users) return null;
  const choices = users.filter((u) => u.id !== props.conversation.assigneeId);
  if (choices.length === 0) return null;
  return (
    <span class="assign">
      <label for="assign-to">Assign to</label>
      <select
        id="assign-to"
        class="assign-select"
        value={userId}
        onChange={(e) => setUserId((e.currentTarget as HTMLSelectElement).value)}
      >
        <option value="">Choose a person</option>
        {choices.map((u) => (
          <option key={u.id} value={u.id}>
            {u.name} ({u.role})
          </option>
        ))}
      </select>
      <button type="button" disabled={props.busy || !userId} onClick={() => props.onAssign(userId)}>
        Assign
      </button>
    </span>
  );
}

/* ---------- messages ---------- */

function Messages({ thread }: { thread: ReturnType<typeof useThread> }) {
  const box = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const count = thread.messages?.length ?? 0;
  // New messages scroll into view, unless the person scrolled up to read older ones.
  useEffect(() => {
    const el = box.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [count]);

  return (
    <>
      {thread.problem ? (
        <p class="error" role="alert">
          {thread.slowed
            ? `The messages are not updating: the last polls failed (${thread.problem.message}). Trying again every ${SLOW_POLL_MS / 1000} seconds.`
            : `Could not load the messages (${thread.problem.message}); trying again.`}
        </p>
      ) : null}
      <div
        class="thread"
        ref={box}
        onScroll={(e) => {
          const el = e.currentTarget as HTMLDivElement;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        }}
      >
        {thread.older.cursor ? (
          <div class="actions">
            <button type="button" disabled={thread.older.busy} onClick={() => void thread.loadOlder()}>
              {thread.older.busy ? 'Loading…' : 'Earlier messages'}
            </button>
          </div>
        ) : null}
        {!thread.messages ? (
          thread.problem ? null : (
            <Loading what="the messages" />
          )
        ) : thread.messages.length === 0 ? (
          <p class="muted">No messages yet.</p>
        ) : (
          <ol class="messages" aria-label="Messages, oldest first">
            {thread.messages.map((m) => (
              <MessageItem key={m.wamid} message={m} />
            ))}
          </ol>
        )}
      </div>
    </>
  );
}

/** Who wrote an outbound message, in words (with the campaign's link). */
function Sender({ message: m }: { message: ConversationMessage }) {
  switch (m.source) {
    case 'campaign':
      return m.campaignId ? (
        <>
          Campaign <a href={href('campaigns', m.campaignId)}>{m.campaignId}</a>
        </>
      ) : (
        <>Campaign</>
      );
    case 'ai':
      return <>Assistant</>;
    case 'agent':
      return <>{m.agent?.name ?? 'An agent'}</>;
    case 'api':
      return <>Sent over the API</>;
    case 'system':
      return <>Platform notice</>;
    default:
      return <>The business</>;
  }
}

export function MessageItem({ message: m }: { message: ConversationMessage }) {
  const time = <time dateTime={m.at}>{formatTime(m.at)}</time>;
  if (m.direction === 'note') {
    return (
      <li class="msg note">
        <div class="bubble note">
          <p class="who">
            <strong>Private note</strong> by {m.agent?.name ?? 'someone'} · never sent to the customer
          </p>
          <div class="text">{m.text ?? m.summary}</div>
          <small class="muted">{time}</small>
        </div>
      </li>
    );
  }
  const inbound = m.direction === 'in';
  const kind = inbound ? 'in' : m.source === 'system' ? 'system' : 'out';
  return (
    <li class={`msg ${kind}`}>
      <div class={`bubble ${kind}`}>
        {inbound ? null : (
          <p class="who">
            <Sender message={m} />
          </p>
        )}
        <MessageBody message={m} />
        {m.sources?.length ? (
          <div class="cited">
            Sources:{' '}
            {m.sources.map((s, i) => (
              <Fragment key={s.url}>
                {i > 0 ? ', ' : ''}
                {/^https?:\/\//.test(s.url) ? (
                  <a href={s.url} target="_blank" rel="noopener noreferrer">
                    {s.title || s.url}
                  </a>
                ) : (
                  // A document added as text has no page to open.
                  <span>{s.title || 'a document'}</span>
                )}
              </Fragment>
            ))}
          </div>
        ) : null}
        <small class="muted meta">
          {time}
          {inbound ? null : (
            <>
              {' '}
              <DeliveryTicks delivery={m.delivery} />
            </>
          )}
        </small>
        {m.delivery?.status === 'failed' ? (
          <p class="failed-reason">Not delivered: {tickOf(m.delivery).reason}</p>
        ) : null}
      </div>
    </li>
  );
}

function MessageBody({ message: m }: { message: ConversationMessage }) {
  const text = m.text ?? (m.media || m.mediaError ? m.media?.caption : m.summary);
  return (
    <>
      {m.media ? <MediaView media={m.media} /> : null}
      {m.mediaError ? <p class="media-error">Not shown: {m.mediaError}</p> : null}
      {text ? <div class="text">{text}</div> : null}
    </>
  );
}

/** "480 KB", "5.2 MB". */
export function sizeText(bytes: number | undefined): string {
  if (!bytes) return '';
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function MediaView({ media }: { media: MessageMedia }) {
  const name = media.filename ?? `the ${media.kind} (${media.mimeType})`;
  switch (media.kind) {
    case 'image':
    case 'sticker':
      return (
        <a href={media.url} target="_blank" rel="noopener" class="media">
          <img
            src={media.url}
            alt={media.caption ?? (media.kind === 'sticker' ? 'A sticker' : 'An image')}
            class={media.kind}
          />
        </a>
      );
    case 'audio':
      // biome-ignore lint/a11y/useMediaCaption: a customer's voice message has no captions to give
      return <audio controls preload="metadata" src={media.url} class="media" />;
    case 'video':
      // biome-ignore lint/a11y/useMediaCaption: a customer's video has no captions to give
      return <video controls preload="metadata" src={media.url} class="media" />;
    default:
      return (
        <p class="media">
          <a href={media.url} download={media.filename ?? true}>
            Download {name}
          </a>
          {media.size ? <span class="muted"> ({sizeText(media.size)})</span> : null}
        </p>
      );
  }
}

/** ✓ sent, ✓✓ delivered, ✓✓ read (highlighted), ! failed; the words are there for screen readers and on hover. */
export function DeliveryTicks({ delivery }: { delivery: Delivery | undefined }) {
  const tick = tickOf(delivery);
  const words = tick.reason ? `${tick.label}: ${tick.reason}` : tick.label;
  return (
    <span class={`tick tick-${tick.status}`} title={words} data-tick={tick.status}>
      <span aria-hidden="true">{tick.mark}</span>
      <span class="sr-only">{tick.label}</span>
    </span>
  );
}

/* ---------- the contact ---------- */

function ContactPanel(props: {
  contact: string;
  conversation: Conversation;
  details: Outcome<Contact> | undefined;
  windowText: string;
  windowOpen: boolean;
  campaigns: readonly string[];
}) {
  const d = props.details;
  const contact = d?.ok ? d.data : undefined;
  return (
    <aside class="inbox-contact" aria-labelledby="contact-panel-title">
      <h2 id="contact-panel-title">Contact</h2>
      {!d ? (
        <Loading what="the contact" />
      ) : !d.ok && d.problem.status !== 404 ? (
        <ErrorNote problem={d.problem} />
      ) : null}
      <dl>
        <dt>Name</dt>
        <dd>
          {contact?.profileName ?? props.conversation.profileName ?? <span class="muted">not known</span>}
        </dd>
        <dt>Number</dt>
        <dd>
          <a href={href('contacts', props.contact)}>{contact?.phone ?? props.contact}</a>
        </dd>
        <dt>Service window</dt>
        <dd>
          {props.windowOpen ? 'open' : 'closed: only templates'} ({props.windowText.toLowerCase()})
        </dd>
        <dt>Opted out</dt>
        <dd>
          {contact?.optedOut ? (
            <span class="badge state-failed">of all messages</span>
          ) : contact?.marketingOptOut ? (
            <span class="badge state-paused">of marketing</span>
          ) : (
            'no'
          )}
          {contact?.optedOutAt ? ` since ${formatTime(contact.optedOutAt)}` : ''}
        </dd>
      </dl>
      <Attributes values={contact?.attributes} />
      <h3>Lists</h3>
      {contact?.lists.length ? (
        <ul class="rows">
          {contact.lists.map((l) => (
            <li key={l.id}>
              <a href={href('lists', l.id)}>{l.name}</a>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">In no list.</p>
      )}
      {contact?.history.length ? (
        <>
          <h3>Opt-out history</h3>
          <ul class="rows">
            {contact.history.map((h, i) => (
              <li key={`${h.at}-${i}`}>
                <time dateTime={h.at}>{formatTime(h.at)}</time>: {h.change}{' '}
                <span class="muted">({h.source})</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h3>Campaigns received</h3>
      <CampaignLinks ids={props.campaigns} />
    </aside>
  );
}

/** The campaigns in the thread, by name (at most 10 are looked up; the rest keep their ids). */
function CampaignLinks({ ids }: { ids: readonly string[] }) {
  const [names, setNames] = useState<Record<string, string>>({});
  const asked = useRef(new Set<string>());
  useEffect(() => {
    for (const id of ids.slice(0, 10)) {
      if (asked.current.has(id)) continue;
      asked.current.add(id);
      void call(api.GET('/api/campaigns/{id}', { params: { path: { id } } })).then((out) => {
        if (out.ok) setNames((n) => ({ ...n, [id]: out.data.name }));
      });
    }
  }, [ids.join(',')]);
  if (ids.length === 0) return <p class="muted">None in the messages shown.</p>;
  return (
    <ul class="rows">
      {ids.map((id) => (
        <li key={id}>
          <a href={href('campaigns', id)}>{names[id] ?? id}</a>
        </li>
      ))}
    </ul>
  );
}
