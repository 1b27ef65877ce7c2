import { useEffect, useState } from 'preact/hooks';
import type { components } from '../../../clients/typescript';
import { api, call, type Outcome } from '../api';
import { Attributes, ErrorNote, formatTime, Loading } from '../components/ui';
import { href } from '../router';
import { MoreButton, usePaged } from './lists';

type Contact = components['schemas']['Contact'];
type Conversation = components['schemas']['Conversation'];
type ConversationMessage = components['schemas']['ConversationMessage'];

const SOURCES: Record<string, string> = {
  customer: 'customer',
  campaign: 'campaign',
  api: 'API',
  agent: 'agent',
  ai: 'assistant',
  system: 'platform',
};

export function ContactPage({ contact }: { contact: string }) {
  const [details, setDetails] = useState<Outcome<Contact>>();
  const [conversation, setConversation] = useState<Outcome<Conversation>>();
  const messages = usePaged(
    (cursor) =>
      call(
        api.GET('/api/conversations/{contact}/messages', {
          params: { path: { contact }, query: { cursor } },
        }),
      ),
    contact,
  );

  useEffect(() => {
    let current = true;
    setDetails(undefined);
    setConversation(undefined);
    const path = { params: { path: { contact } } };
    void call(api.GET('/api/contacts/{contact}', path)).then((out) => current && setDetails(out));
    void call(api.GET('/api/conversations/{contact}', path)).then((out) => current && setConversation(out));
    return () => {
      current = false;
    };
  }, [contact]);

  return (
    <>
      <p>
        <a href={href('lists')}>← Contacts &amp; lists</a>
      </p>
      <h1>Contact {details?.ok ? details.data.phone : contact}</h1>
      {!details ? (
        <Loading what="the contact" />
      ) : details.ok ? (
        <ContactDetails contact={details.data} />
      ) : details.problem.status === 404 ? (
        <p class="muted">
          No contact {contact} yet: this number is in no list and has not written, been messaged or opted out.
        </p>
      ) : (
        <ErrorNote problem={details.problem} />
      )}

      <h2>Conversation</h2>
      {!conversation ? (
        <Loading what="the conversation" />
      ) : conversation.ok ? (
        <ConversationSummary conversation={conversation.data} />
      ) : conversation.problem.status === 404 ? (
        <p class="muted">No conversation with {contact} yet.</p>
      ) : (
        <ErrorNote problem={conversation.problem} />
      )}
      <ErrorNote problem={messages.problem} />
      {!messages.items ? (
        messages.problem ? null : (
          <Loading what="the messages" />
        )
      ) : messages.items.length === 0 ? (
        <p class="muted">No messages.</p>
      ) : (
        <ol class="messages" aria-label="Messages, oldest first" style={{ listStyle: 'none', padding: 0 }}>
          {messages.items.map((m) => (
            <MessageBubble key={m.wamid} message={m} />
          ))}
        </ol>
      )}
      <MoreButton more={messages.more} busy={messages.busy} />
    </>
  );
}

function ContactDetails({ contact }: { contact: Contact }) {
  const attributes = contact.attributes;
  return (
    <div class="grid2">
      <section class="card" aria-labelledby="contact-about">
        <h2 id="contact-about">About</h2>
        <dl>
          <dt>Profile name</dt>
          <dd>{contact.profileName ?? <span class="muted">not known</span>}</dd>
          {contact.userId ? (
            <>
              <dt>WhatsApp user id</dt>
              <dd>{contact.userId}</dd>
            </>
          ) : null}
          <dt>Opted out</dt>
          <dd>
            {contact.optedOut ? (
              <span class="badge state-failed">opted out of all messages</span>
            ) : contact.marketingOptOut ? (
              <span class="badge state-paused">opted out of marketing</span>
            ) : (
              'no'
            )}
            {contact.optedOutAt ? ` since ${formatTime(contact.optedOutAt)}` : ''}
          </dd>
          <dt>Service window</dt>
          <dd>
            {contact.serviceWindowOpen
              ? 'open: free-form replies can be sent'
              : 'closed: only templates can be sent'}
            {contact.lastInboundAt ? ` (last message from them ${formatTime(contact.lastInboundAt)})` : ''}
          </dd>
        </dl>
        <Attributes values={attributes} />
      </section>
      <section class="card" aria-labelledby="contact-history">
        <h2 id="contact-history">History</h2>
        {contact.history.length === 0 ? (
          <p class="muted">No changes recorded.</p>
        ) : (
          <ul class="rows">
            {contact.history.map((h, i) => (
              <li key={`${h.at}-${i}`}>
                <time dateTime={h.at}>{formatTime(h.at)}</time>: {h.change}{' '}
                <span class="muted">({h.source})</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function ConversationSummary({ conversation: c }: { conversation: Conversation }) {
  return (
    <p>
      {c.profileName ? `${c.profileName}. ` : ''}
      Last message {formatTime(c.lastMessageAt)}. Assistant {c.aiEnabled ? 'on' : 'off'}.{' '}
      {c.needsHuman ? <span class="badge state-paused">needs a person</span> : null}
    </p>
  );
}

/** Messages carry no delivery status here; what is shown beside the time is who sent it and its type. */
function MessageBubble({ message: m }: { message: ConversationMessage }) {
  const inbound = m.direction === 'in';
  const who = inbound ? 'customer' : (SOURCES[m.source ?? ''] ?? m.source ?? 'business');
  return (
    <li style={{ display: 'flex', justifyContent: inbound ? 'flex-start' : 'flex-end', margin: '8px 0' }}>
      <div class={inbound ? 'bubble in' : 'bubble'}>
        <div>{m.text ?? m.summary}</div>
        <small class="muted">
          <time dateTime={m.at}>{formatTime(m.at)}</time> · {inbound ? 'received' : `sent by ${who}`}
          {m.type !== 'text' ? ` · ${m.type}` : ''}
          {m.campaignId ? (
            <>
              {' · '}
              <a href={href('campaigns', m.campaignId)}>campaign</a>
            </>
          ) : null}
        </small>
      </div>
    </li>
  );
}
