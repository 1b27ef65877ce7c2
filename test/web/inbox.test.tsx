import { render } from 'preact';
import {
  actionsFor,
  type Conversation,
  type ConversationMessage,
  campaignsIn,
  conversationsFor,
  describeChange,
  durationText,
  feedSince,
  mergeConversations,
  mergeMessages,
  serviceWindow,
  sortByWait,
  tickOf,
  waitedText,
  waitingCount,
} from '../../web/src/inbox';
import { DeliveryTicks, MessageItem } from '../../web/src/screens/inbox-thread';
import { withHost } from './support/dom';

const conversation = (contact: string, extra: Partial<Conversation> = {}): Conversation => ({
  contact,
  lastMessageAt: '2026-12-02T10:00:00.000Z',
  lastMessagePreview: 'Hello',
  lastDirection: 'in',
  aiEnabled: true,
  needsHuman: false,
  status: 'ai',
  changedAt: '2026-12-02T10:00:00.000Z',
  ...extra,
});
const held = (...list: Conversation[]) => new Map(list.map((c) => [c.contact, c]));

describe('merging the change feed', () => {
  it('adds new conversations, replaces changed ones and says which newly wait for a person', () => {
    const before = held(conversation('+1'), conversation('+2', { status: 'open', needsHuman: true }));
    const merged = mergeConversations(before, [
      conversation('+1', { status: 'open', needsHuman: true, changedAt: '2026-12-02T10:00:05.000Z' }),
      conversation('+2', {
        status: 'open',
        needsHuman: true,
        unread: 2,
        changedAt: '2026-12-02T10:00:06.000Z',
      }),
      conversation('+3', { status: 'open', needsHuman: true, changedAt: '2026-12-02T10:00:07.000Z' }),
    ]);
    expect(merged.changed).toBe(true);
    expect([...merged.conversations.keys()]).toEqual(['+1', '+2', '+3']);
    expect(merged.conversations.get('+2')?.unread).toBe(2);
    // +2 was already waiting: only +1 (from ai) and +3 (new) are news.
    expect(merged.newlyOpen.map((c) => c.contact)).toEqual(['+1', '+3']);
    expect(waitingCount(merged.conversations)).toBe(3);
    // The map held is never changed in place.
    expect(before.get('+1')?.status).toBe('ai');
  });

  it('keeps the later change when an older copy arrives (a slow page after a poll)', () => {
    const newer = conversation('+1', { status: 'assigned', changedAt: '2026-12-02T10:00:09.000Z' });
    const merged = mergeConversations(held(newer), [conversation('+1', { status: 'open' })]);
    expect(merged.changed).toBe(false);
    expect(merged.conversations.get('+1')).toBe(newer);
  });

  it('applies the feed in its order: a conversation claimed right after its handoff is not news', () => {
    const merged = mergeConversations(held(), [
      conversation('+1', { status: 'open', changedAt: '2026-12-02T10:00:01.000Z' }),
      conversation('+1', { status: 'assigned', changedAt: '2026-12-02T10:00:02.000Z' }),
    ]);
    expect(merged.conversations.get('+1')?.status).toBe('assigned');
    expect(merged.newlyOpen).toEqual([]);
  });

  it('sees a poll that brings only what is held as no change, and keeps a read count at 0', () => {
    const read = conversation('+1', { unread: 0 });
    expect(mergeConversations(held(read), [conversation('+1', { unread: 0 })]).changed).toBe(false);
    // Reading changes no changedAt: a poll answered before the read cannot bring its count back.
    const stale = mergeConversations(held(read), [conversation('+1', { unread: 3 })]);
    expect(stale.conversations.get('+1')?.unread).toBe(0);
    const newer = mergeConversations(held(read), [
      conversation('+1', { unread: 1, changedAt: '2026-12-02T10:00:03.000Z' }),
    ]);
    expect(newer.conversations.get('+1')?.unread).toBe(1);
  });

  it('asks the feed from 5 seconds before the newest change held', () => {
    expect(feedSince(held())).toBeUndefined();
    expect(
      feedSince(
        held(
          conversation('+1', { changedAt: '2026-12-02T10:00:00.000Z' }),
          conversation('+2', { changedAt: '2026-12-02T10:07:30.000Z' }),
        ),
      ),
    ).toBe('2026-12-02T10:07:25.000Z');
  });
});

describe('the views and their order', () => {
  const list = held(
    conversation('+1', { status: 'open', waitingSince: '2026-12-02T09:50:00.000Z' }),
    conversation('+2', { status: 'assigned', assigneeId: 'u1', waitingSince: '2026-12-02T09:30:00.000Z' }),
    conversation('+3', { status: 'assigned', assigneeId: 'u2', changedAt: '2026-12-02T10:05:00.000Z' }),
    conversation('+4', { status: 'assigned', assigneeId: 'u2', changedAt: '2026-12-02T10:06:00.000Z' }),
    conversation('+5', { status: 'resolved' }),
    conversation('+6', { status: 'ai' }),
  );
  const contacts = (cs: Conversation[]) => cs.map((c) => c.contact);

  it('puts the longest wait first, then the latest change', () => {
    expect(contacts(conversationsFor(list, 'waiting', 'u1'))).toEqual(['+2', '+1', '+4', '+3']);
    expect(contacts(conversationsFor(list, 'mine', 'u2'))).toEqual(['+4', '+3']);
    expect(contacts(conversationsFor(list, 'unassigned', 'u1'))).toEqual(['+1']);
    expect(contacts(conversationsFor(list, 'ai', 'u1'))).toEqual(['+6']);
    expect(contacts(conversationsFor(list, 'resolved', 'u1'))).toEqual(['+5']);
    expect(contacts(sortByWait([...list.values()])).slice(0, 2)).toEqual(['+2', '+1']);
  });

  it('says how long the customer has waited', () => {
    const now = new Date('2026-12-02T10:00:00.000Z');
    expect(waitedText('2026-12-02T09:48:00.000Z', now)).toBe('waiting 12 min');
    expect(waitedText('2026-12-02T09:59:30.000Z', now)).toBe('waiting less than a minute');
    expect(waitedText('2026-12-02T06:47:10.000Z', now)).toBe('waiting 3 h 12 min');
    expect(waitedText('2026-11-30T05:00:00.000Z', now)).toBe('waiting 2 d 5 h');
    expect(waitedText(undefined, now)).toBeUndefined();
    expect(durationText(2 * 60 * 60 * 1000)).toBe('2 h');
  });
});

describe("the customer's 24-hour window", () => {
  const now = new Date('2026-12-02T12:00:00.000Z');
  it('says the time left while it is open', () => {
    expect(serviceWindow('2026-12-01T15:12:30.000Z', now)).toMatchObject({
      open: true,
      text: 'Window closes in 3 h 12 min',
    });
    expect(serviceWindow('2026-12-01T12:00:30.000Z', now).text).toBe('Window closes in less than a minute');
    // A message stamped a little after this computer's time: the whole window, not "1 d".
    expect(serviceWindow('2026-12-02T12:00:20.000Z', now).text).toBe('Window closes in 24 h');
  });
  it('says since when it is closed, or that the customer never wrote', () => {
    expect(serviceWindow('2026-12-01T10:00:00.000Z', now)).toMatchObject({
      open: false,
      text: 'Window closed 2 h ago',
    });
    expect(serviceWindow(undefined, now)).toEqual({ open: false, text: 'The customer has not written yet' });
  });
});

describe('delivery ticks', () => {
  let host!: HTMLElement;
  withHost((h) => {
    host = h;
  });
  const at = '2026-12-02T10:00:00.000Z';

  it('shows ✓ sent, ✓✓ delivered, ✓✓ read highlighted, each named in words', () => {
    for (const [status, mark] of [
      ['sent', '✓'],
      ['delivered', '✓✓'],
      ['read', '✓✓'],
    ] as const) {
      render(<DeliveryTicks delivery={{ status, at }} />, host);
      const tick = host.querySelector('.tick')!;
      expect(tick.querySelector('[aria-hidden="true"]')?.textContent).toBe(mark);
      expect(tick.querySelector('.sr-only')?.textContent).toBe(status);
      expect(tick.classList.contains(`tick-${status}`)).toBe(true);
    }
    render(<DeliveryTicks delivery={undefined} />, host);
    expect(host.querySelector('.tick')?.getAttribute('title')).toBe('not reported by WhatsApp yet');
  });

  it("shows a failure's reason and what to do, from the error code", () => {
    const failed = {
      status: 'failed' as const,
      at,
      error: { code: 131047, title: 'Re-engagement message', message: 'More than 24 hours have passed' },
    };
    expect(tickOf(failed).reason).toBe(
      'Re-engagement message: More than 24 hours have passed (131047). More than 24 hours since they last wrote: only an approved Meta template can be sent; map this template to one.',
    );
    const message: ConversationMessage = {
      contact: '+1',
      wamid: 'wamid.1',
      direction: 'out',
      at,
      type: 'text',
      text: 'Hi',
      summary: 'Hi',
      source: 'agent',
      agent: { id: 'u1', name: 'Ana Agent' },
      delivery: failed,
    };
    render(<MessageItem message={message} />, host);
    expect(host.querySelector('.who')?.textContent).toBe('Ana Agent');
    expect(host.querySelector('.failed-reason')?.textContent).toContain(
      'Not delivered: Re-engagement message',
    );
  });

  it('labels campaign messages, assistant answers with sources, and private notes', () => {
    const base = { contact: '+1', at, type: 'text', summary: 'x' };
    render(
      <ol>
        <MessageItem
          message={{ ...base, wamid: 'a', direction: 'out', source: 'campaign', campaignId: 'c1' }}
        />
        <MessageItem
          message={{
            ...base,
            wamid: 'b',
            direction: 'out',
            source: 'ai',
            text: 'We open at 9.',
            sources: [{ url: 'https://shop.example/hours', title: 'Opening hours' }],
          }}
        />
        <MessageItem
          message={{ ...base, wamid: 'c', direction: 'note', text: 'VIP', agent: { id: 'u1', name: 'Ana' } }}
        />
      </ol>,
      host,
    );
    const [campaign, answer, note] = [...host.querySelectorAll('li')];
    expect(campaign?.querySelector('a')?.getAttribute('href')).toBe('#/campaigns/c1');
    expect(answer?.querySelector('.who')?.textContent).toBe('Assistant');
    expect(answer?.querySelector('.cited a')?.textContent).toBe('Opening hours');
    expect(note?.classList.contains('note')).toBe(true);
    expect(note?.textContent).toContain('never sent to the customer');
    expect(note?.querySelector('.tick')).toBeNull();
  });
});

describe('the thread and the actions', () => {
  const message = (
    wamid: string,
    at: string,
    extra: Partial<ConversationMessage> = {},
  ): ConversationMessage => ({
    contact: '+1',
    wamid,
    direction: 'in',
    at,
    type: 'text',
    summary: wamid,
    ...extra,
  });

  it('merges pages by id, oldest first, the newer copy winning', () => {
    const older = [message('b', '2026-12-02T10:00:02Z'), message('a', '2026-12-02T10:00:01Z')];
    const polled = [
      message('c', '2026-12-02T10:00:03Z', { direction: 'out', campaignId: 'c9' }),
      message('b', '2026-12-02T10:00:02Z', { summary: 'b again' }),
    ];
    const thread = mergeMessages(older, polled);
    expect(thread.map((m) => m.wamid)).toEqual(['a', 'b', 'c']);
    expect(thread[1]?.summary).toBe('b again');
    expect(campaignsIn(thread)).toEqual(['c9']);
  });

  it('says who changed the status, and how', () => {
    const at = '2026-12-02T10:00:00.000Z';
    expect(
      describeChange(
        {
          at,
          by: { kind: 'assistant' },
          action: 'handoff',
          from: 'ai',
          to: 'open',
          reason: 'no_relevant_passage',
        },
        'u1',
      ),
    ).toBe('The assistant handed it to a person (no relevant passage)');
    expect(
      describeChange(
        { at, by: { kind: 'user', id: 'u1', name: 'Ana' }, action: 'claim', from: 'open', to: 'assigned' },
        'u1',
      ),
    ).toBe('You claimed it');
    expect(
      describeChange(
        {
          at,
          by: { kind: 'api', id: 'k1', name: 'CRM' },
          action: 'assign',
          from: 'open',
          to: 'assigned',
          assigneeName: 'Ben',
        },
        'u1',
      ),
    ).toBe('CRM (API key) assigned it to Ben');
    expect(
      describeChange(
        { at, by: { kind: 'customer' }, action: 'customer_message', from: 'resolved', to: 'ai' },
        'u1',
      ),
    ).toBe('The customer wrote again: it went to the assistant');
  });

  it('offers what the state machine allows this person', () => {
    const agent = { id: 'u1', name: 'Ana', admin: false };
    const admin = { id: 'u9', name: 'Boss', admin: true };
    expect(actionsFor(conversation('+1', { status: 'open' }), agent)).toEqual([
      'claim',
      'release',
      'resolve',
    ]);
    expect(actionsFor(conversation('+1', { status: 'ai' }), agent)).toEqual(['claim', 'handoff', 'resolve']);
    expect(actionsFor(conversation('+1', { status: 'resolved' }), agent)).toEqual(['handoff', 'release']);
    const others = conversation('+1', { status: 'assigned', assigneeId: 'u2', assigneeName: 'Ben' });
    // Someone else's conversation: an agent may only look (the server refuses the rest too).
    expect(actionsFor(others, agent)).toEqual([]);
    expect(actionsFor(others, admin)).toEqual(['claim', 'assign', 'release', 'resolve']);
  });
});
