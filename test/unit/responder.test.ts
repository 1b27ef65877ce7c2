import type { Conversation, ConversationMessage, InboundJob } from '../../functions/domain/conversation';
import { ConflictError } from '../../functions/domain/errors';
import type { SingleMessage } from '../../functions/domain/message';
import { createLogger } from '../../functions/logger';
import type {
  AiReplyClaim,
  ContactStore,
  ConversationStore,
  MessageStore,
  SendQueue,
} from '../../functions/ports';
import type { KnowledgeBase } from '../../functions/services/knowledge-base';
import { Outbox } from '../../functions/services/outbox';
import { makeResponder } from '../../functions/services/responder';

const CONTACT = '+4915112345678';
const NOW = new Date('2026-11-23T12:00:00Z');

/** In-memory ports: enough of each store for the responder's decisions. */
function setup(options: {
  conversation?: Partial<Conversation>;
  contact?: { optedOut?: boolean; lastInboundAt?: string };
  messages: ConversationMessage[];
  /** Runs while the model prepares the answer (a person claiming the conversation meanwhile). */
  duringAsk?: (change: (patch: Partial<Conversation>) => void) => void;
}) {
  let current: Partial<Conversation> = { ...options.conversation };
  const change = (patch: Partial<Conversation>) => {
    current = { ...current, ...patch };
  };
  let marker: { last?: string; previous?: string } = {};
  let needsHuman = options.conversation?.needsHuman ?? false;
  const created: SingleMessage[] = [];
  const asked: string[] = [];
  const conversations = {
    get: async () => ({ contact: CONTACT, aiEnabled: true, needsHuman, ...current }) as Conversation,
    messages: async () => ({
      items: [...options.messages].sort((a, b) => (a.at + a.wamid < b.at + b.wamid ? 1 : -1)),
    }),
    claimAiReply: async (_c: string, wamid: string): Promise<AiReplyClaim> => {
      if (marker.last === wamid)
        return { outcome: 'already', ...(marker.previous ? { previous: marker.previous } : {}) };
      marker = { last: wamid, ...(marker.last ? { previous: marker.last } : {}) };
      return { outcome: 'claimed', ...(marker.previous ? { previous: marker.previous } : {}) };
    },
    requestHuman: async () => {
      const first = !needsHuman;
      needsHuman = true;
      return first;
    },
  } as unknown as ConversationStore;
  const contacts = {
    get: async () => ({ phone: CONTACT, lastInboundAt: NOW.toISOString(), ...options.contact }),
  } as unknown as ContactStore;
  const messages = {
    create: async (m: SingleMessage) => {
      if (created.some((c) => c.id === m.id)) {
        throw new ConflictError('exists');
      }
      created.push(m);
    },
  } as unknown as MessageStore;
  const enqueued: unknown[] = [];
  const sendQueue: SendQueue = { enqueue: async (jobs) => void enqueued.push(...jobs) };
  const knowledge = {
    ask: async (question: string) => {
      asked.push(question);
      options.duringAsk?.(change);
      if (/outage/.test(question)) throw new Error('OpenAI: 503 Service Unavailable');
      const language = /quanto|vcs/.test(question) ? 'pt' : 'en';
      return /gift|botox/.test(question)
        ? {
            answer: '',
            handoff: true,
            reason: 'no_relevant_passage',
            passages: [],
            answeredBy: 'excerpt',
            language,
          }
        : { answer: `About: ${question}`, handoff: false, passages: [], answeredBy: 'excerpt', language };
    },
    languageOf: async (text: string) => (/quanto|vcs|atendente/.test(text) ? 'pt' : 'en'),
  } as unknown as KnowledgeBase;
  const outbox = new Outbox({ messages, sendQueue, contacts, clock: { now: () => NOW }, mode: 'DEV' });
  const receipts: { wamid: string; typing: boolean }[] = [];
  const responder = makeResponder({
    conversations,
    contacts,
    outbox,
    knowledge,
    clock: { now: () => NOW },
    logger: createLogger({ level: 'ERROR' }),
    handoffKeywords: ['agent', 'human', 'atendente'],
    maxReceiveCount: 5,
    receipts: { markRead: async (_contact, wamid, o) => void receipts.push({ wamid, typing: o.typing }) },
  });
  return { responder, created, enqueued, asked, receipts, isNeedsHuman: () => needsHuman };
}

const inbound = (wamid: string, at: string, text?: string, type = 'text'): ConversationMessage => ({
  contact: CONTACT,
  wamid,
  direction: 'in',
  at,
  type,
  summary: text ?? type,
  ...(text ? { text } : {}),
});
const job = (m: ConversationMessage): InboundJob => ({
  contact: CONTACT,
  wamid: m.wamid,
  type: m.type,
  at: m.at,
  ...(m.text ? { text: m.text } : {}),
});

describe('the responder', () => {
  const q = inbound('wamid.A', '2026-11-23T11:59:58.000Z', 'What are your hours?');

  it('answers once through the send path, even when the job is delivered twice', async () => {
    const s = setup({ messages: [q] });
    expect(await s.responder.respond(job(q))).toBe('answered');
    expect(await s.responder.respond(job(q))).toBe('answered');
    expect(s.created).toHaveLength(1);
    expect(s.created[0]).toMatchObject({ to: CONTACT, source: 'ai', text: 'About: What are your hours?' });
    // It marked the message read with "typing…" before answering (a retried job may do so again).
    expect(s.receipts[0]).toEqual({ wamid: 'wamid.A', typing: true });
  });

  it('never shows typing when it will not answer', async () => {
    const waiting = setup({ messages: [q], conversation: { needsHuman: true } });
    await waiting.responder.respond(job(q));
    const off = setup({ messages: [q], conversation: { aiEnabled: false } });
    await off.responder.respond(job(q));
    const a = inbound('wamid.A0', '2026-11-23T11:59:58.000Z', 'Hi');
    const coalesced = setup({ messages: [a, inbound('wamid.B0', '2026-11-23T11:59:58.000Z', 'hours?')] });
    await coalesced.responder.respond(job(a));
    expect([...waiting.receipts, ...off.receipts, ...coalesced.receipts]).toEqual([]);
  });

  it('answers a burst of messages in one reply, from the newest message’s job only', async () => {
    const a = inbound('wamid.A', '2026-11-23T11:59:58.000Z', 'Hi');
    const b = inbound('wamid.B', '2026-11-23T11:59:58.000Z', 'are you open on Sunday?');
    const s = setup({ messages: [a, b] });
    expect(await s.responder.respond(job(a))).toBe('skipped_coalesced');
    expect(await s.responder.respond(job(b))).toBe('answered');
    expect(s.asked).toEqual(['Hi\nare you open on Sunday?']);
  });

  it('answers only what came after the previous answer', async () => {
    const a = inbound('wamid.A', '2026-11-23T11:59:50.000Z', 'What are your hours?');
    const history = [a];
    const s = setup({ messages: history });
    expect(await s.responder.respond(job(a))).toBe('answered');
    // The reply is recorded in ms; the next message carries the same whole second, so it sorts before it.
    history.push({
      ...inbound('wamid.R', '2026-11-23T11:59:50.900Z', 'Open 9-18'),
      direction: 'out',
      source: 'ai',
    });
    const b = inbound('wamid.B', '2026-11-23T11:59:50.000Z', 'and prices?');
    history.push(b);
    expect(await s.responder.respond(job(b))).toBe('answered');
    expect(s.asked).toEqual(['What are your hours?', 'and prices?']);
  });

  it('stays out of conversations with AI off, waiting for a person, opted out, or outside the window', async () => {
    expect(await setup({ messages: [q], conversation: { aiEnabled: false } }).responder.respond(job(q))).toBe(
      'skipped_ai_off',
    );
    expect(await setup({ messages: [q], conversation: { needsHuman: true } }).responder.respond(job(q))).toBe(
      'skipped_needs_human',
    );
    expect(await setup({ messages: [q], contact: { optedOut: true } }).responder.respond(job(q))).toBe(
      'skipped_opted_out',
    );
    const old = setup({ messages: [q], contact: { lastInboundAt: '2026-11-22T11:59:59.000Z' } });
    expect(await old.responder.respond(job(q))).toBe('skipped_window_closed');
    expect(old.created).toHaveLength(0);
  });

  it('hands over once when asked for a person or when the site has no answer', async () => {
    const ask = inbound('wamid.H', '2026-11-23T11:59:58.000Z', 'I want a human');
    const s = setup({ messages: [ask] });
    expect(await s.responder.respond(job(ask))).toBe('handoff');
    expect(s.isNeedsHuman()).toBe(true);
    expect(s.created[0]!.text).toContain('member of our team');
    const gift = inbound('wamid.G', '2026-11-23T11:59:58.000Z', 'gift cards?');
    const t = setup({ messages: [gift] });
    expect(await t.responder.respond(job(gift))).toBe('handoff');
    expect(t.created).toHaveLength(1);
  });

  it('hands over in the customer’s language', async () => {
    const botox = inbound('wamid.P', '2026-11-23T11:59:58.000Z', 'quanto custa o botox?');
    const s = setup({ messages: [botox] });
    expect(await s.responder.respond(job(botox))).toBe('handoff');
    expect(s.created[0]!.text).toContain('uma pessoa da nossa equipe');
    const person = inbound('wamid.Q', '2026-11-23T11:59:58.000Z', 'quero falar com um atendente');
    const t = setup({ messages: [person] });
    expect(await t.responder.respond(job(person))).toBe('handoff');
    expect(t.created[0]!.text).toContain('uma pessoa da nossa equipe');
  });

  it('tells a customer who sent only media what it can read', async () => {
    const image = inbound('wamid.I', '2026-11-23T11:59:58.000Z', undefined, 'image');
    const s = setup({ messages: [image] });
    expect(await s.responder.respond(job(image))).toBe('media_reply');
    expect(s.created[0]!.text).toContain('I can only read text messages');
    expect(s.asked).toEqual([]);
  });

  it('retries a failing answer, and on the last attempt hands the customer to a person instead of going silent', async () => {
    const m = inbound('wamid.O', '2026-11-23T11:59:58.000Z', 'Is there an outage?');
    const s = setup({ messages: [m] });
    const sqsEvent = (receiveCount: number) =>
      ({
        Records: [
          {
            messageId: `attempt-${receiveCount}`,
            body: JSON.stringify(job(m)),
            attributes: { ApproximateReceiveCount: String(receiveCount) },
          },
        ],
      }) as unknown as Parameters<typeof s.responder>[0];
    for (const attempt of [1, 2, 3, 4]) {
      expect(await s.responder(sqsEvent(attempt))).toEqual({
        batchItemFailures: [{ itemIdentifier: `attempt-${attempt}` }],
      });
    }
    expect(s.created).toEqual([]);
    expect(s.isNeedsHuman()).toBe(false);
    expect(await s.responder(sqsEvent(5))).toEqual({ batchItemFailures: [] });
    expect(s.isNeedsHuman()).toBe(true);
    expect(s.created).toHaveLength(1);
    expect(s.created[0]!.text).toContain('member of our team');
    expect(s.enqueued).toHaveLength(1);
  });

  describe('conversation statuses', () => {
    const q = inbound('wamid.S1', '2026-11-23T11:59:00Z', 'What are your opening hours?');

    it.each(['open', 'assigned', 'resolved'] as const)(
      'stays silent on a conversation that is %s',
      async (status) => {
        const s = setup({ messages: [q], conversation: { status } });
        expect(await s.responder.respond(job(q))).toBe('skipped_needs_human');
        expect(s.created).toHaveLength(0);
        expect(s.asked).toHaveLength(0);
      },
    );

    it('answers a conversation that is ai', async () => {
      const s = setup({ messages: [q], conversation: { status: 'ai' } });
      expect(await s.responder.respond(job(q))).toBe('answered');
      expect(s.created).toHaveLength(1);
    });

    it('answers only what the customer wrote since the conversation came back to the assistant', async () => {
      const before = inbound('wamid.S0', '2026-11-23T11:50:00Z', 'Do you repair e-bikes?');
      const s = setup({
        messages: [before, q],
        conversation: { status: 'ai', statusChangedAt: '2026-11-23T11:59:00Z' },
      });
      expect(await s.responder.respond(job(q))).toBe('answered');
      expect(s.asked).toEqual(['What are your opening hours?']);
    });

    it('drops the answer when a user claims the conversation while the answer is prepared (the race)', async () => {
      const s = setup({
        messages: [q],
        conversation: { status: 'ai' },
        duringAsk: (change) =>
          change({ status: 'assigned', needsHuman: true, assigneeId: 'u1', assigneeName: 'Ana' }),
      });
      expect(await s.responder.respond(job(q))).toBe('skipped_needs_human');
      expect(s.asked).toHaveLength(1);
      expect(s.created).toHaveLength(0);
      expect(s.enqueued).toHaveLength(0);
    });
  });
});
