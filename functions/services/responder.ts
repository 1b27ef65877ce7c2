/**
 * The assistant's consumer of the inbound queue. Each job is one customer message, held back a few
 * seconds; when it runs, it answers every customer message since the business last spoke, once, and only
 * for the newest of them (older jobs of the same burst find a newer message and leave it to that one).
 * It stays out of conversations with AI off, waiting for a person, opted out, or outside the 24-hour
 * window; it hands over when asked to, or when the website does not answer the question.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { CitedSource, ConversationMessage, InboundJob } from '../domain/conversation';
import { assistantMayAnswer, type StatusActor } from '../domain/conversation-status';
import { deterministicUlid } from '../domain/deterministic-id';
import { asksForHuman, type ReplyTexts, repliesIn, type Turn } from '../domain/knowledge/assistant';
import { maskContact } from '../domain/redact';
import { isWindowOpen } from '../domain/send-decision';
import type { Logger } from '../logger';
import type { Clock, ContactStore, ConversationStore, ReadReceipts } from '../ports';
import { consumeJsonRecords } from './json-records';
import type { KnowledgeBase } from './knowledge-base';
import type { Outbox } from './outbox';

export interface ResponderDeps {
  readonly conversations: ConversationStore;
  readonly contacts: ContactStore;
  readonly outbox: Outbox;
  readonly knowledge: KnowledgeBase;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly handoffKeywords: readonly string[];
  /** The inbound queue's receive limit: the job's last attempt hands over instead of failing silently. */
  readonly maxReceiveCount: number;
  /** Marks the customer's message read, with "typing…", once the assistant is sure to answer. */
  readonly receipts?: ReadReceipts;
  /** The business's own wording of the assistant's messages, by language (ASSISTANT_REPLIES). */
  readonly replies?: Readonly<Record<string, Partial<ReplyTexts>>>;
}

/** Message types the assistant reads as text. */
const TEXTUAL = new Set(['text', 'button', 'interactive']);
/** At most this many unanswered customer messages are answered together. */
const MAX_BURST = 5;
/** Earlier turns given to the model for context. */
const HISTORY_TURNS = 6;

export type ResponderOutcome =
  | 'answered'
  | 'handoff'
  | 'media_reply'
  | 'skipped_ai_off'
  | 'skipped_needs_human'
  | 'skipped_opted_out'
  | 'skipped_window_closed'
  | 'skipped_coalesced'
  | 'skipped_already_answered';

export function makeResponder(d: ResponderDeps) {
  async function respond(job: InboundJob): Promise<ResponderOutcome> {
    const contact = job.contact;
    const log = { contact: maskContact(contact), wamid: job.wamid };
    const [conversation, record] = await Promise.all([d.conversations.get(contact), d.contacts.get(contact)]);
    if (!conversation?.aiEnabled) return 'skipped_ai_off';
    // Open, assigned (a person has it) or resolved (not restarted by this message): not the assistant's.
    if (!assistantMayAnswer(conversation)) return 'skipped_needs_human';
    if (record?.optedOut) return 'skipped_opted_out';
    if (!isWindowOpen(record?.lastInboundAt ?? job.at, d.clock.now())) return 'skipped_window_closed';

    // Messages sort by (time, wamid), and WhatsApp's times are whole seconds: every job of a burst sees
    // the same newest message, so exactly one of them answers.
    const recent = (await d.conversations.messages(contact, { limit: 30, newestFirst: true })).items;
    const newestInbound = recent.find((m) => m.direction === 'in');
    if (newestInbound && newestInbound.wamid !== job.wamid) return 'skipped_coalesced';

    const claim = await d.conversations.claimAiReply(contact, job.wamid);
    if (claim.outcome === 'refused') return 'skipped_already_answered';
    // The burst: customer messages since the one answered last, or since a person last wrote. The
    // assistant's own replies do not end it (their times, in ms, can sort after a message of the same second).
    // Nor does it reach back before the conversation last became the assistant's: what the customer wrote
    // while a person had it (or before it was resolved) was that person's to answer.
    // WhatsApp's message times are whole seconds: a message of the same second as the change counts.
    const since = conversation.statusChangedAt
      ? Math.floor(Date.parse(conversation.statusChangedAt) / 1000) * 1000
      : Number.NaN;
    const burst: ConversationMessage[] = [];
    for (const m of recent) {
      if (m.direction === 'in' && m.wamid === claim.previous) break;
      if (m.direction === 'in' && Date.parse(m.at) < since) break;
      if (m.direction === 'out' && m.source !== 'ai' && m.source !== 'system') break;
      if (m.direction === 'in' && burst.length < MAX_BURST) burst.push(m);
    }
    burst.reverse();
    // Nothing of the customer's is left unanswered (a person wrote after it): nothing to say.
    if (burst.length === 0) return 'skipped_already_answered';
    // From here the assistant always says something (an answer, what it can read, or the handoff notice),
    // so the customer may see "typing…"; a receipt that fails only costs the ticks.
    await d.receipts?.markRead(contact, job.wamid, { typing: true }).catch((error: unknown) => {
      d.logger.warn('could not queue the read receipt', { ...log, error: String(error) });
    });

    const burstIds = new Set(burst.map((m) => m.wamid));
    const olderTurns = recent
      // Notes are the team's, never the customer's or the business's words: they stay out of the model.
      .filter((m) => m.direction !== 'note' && !burstIds.has(m.wamid) && m.text?.trim())
      .slice(0, HISTORY_TURNS)
      .reverse()
      .map((m): Turn => ({ role: m.direction === 'in' ? 'customer' : 'business', text: m.text! }));
    const texts = burst.filter((m) => TEXTUAL.has(m.type) && m.text?.trim()).map((m) => m.text!.trim());
    if (texts.length === 0) {
      // Nothing to read the language from but what the customer wrote before.
      const earlier = olderTurns.filter((t) => t.role === 'customer').map((t) => t.text);
      const language = earlier.length ? await d.knowledge.languageOf(earlier.join('\n')) : undefined;
      await reply(job, repliesIn(language, d.replies).media, 'media');
      d.logger.info('assistant: media only, told the customer what it can read', log);
      return 'media_reply';
    }
    const question = texts.join('\n');
    if (asksForHuman(question, d.handoffKeywords)) {
      await handoff(
        job,
        'customer_asked',
        { kind: 'customer' },
        await d.knowledge.languageOf(question, olderTurns),
      );
      return 'handoff';
    }
    const result = await d.knowledge.ask(question, olderTurns);
    if (result.handoff) {
      await handoff(job, result.reason ?? 'model_cannot_answer', { kind: 'assistant' }, result.language);
      return 'handoff';
    }
    // Asking the model takes seconds: a person may have claimed the conversation meanwhile. The send
    // worker checks again right before sending (a reply queued a moment before a claim is dropped there).
    const now = await d.conversations.get(contact);
    if (!now || !assistantMayAnswer(now)) {
      d.logger.info('assistant reply dropped: a person took the conversation while it was prepared', log);
      return 'skipped_needs_human';
    }
    const sources = citedSources(result.passages);
    await reply(job, result.answer, 'answer', 'ai', sources);
    d.logger.info('assistant answered', {
      ...log,
      answeredBy: result.answeredBy,
      messages: burst.length,
      sources: sources.map((p) => p.url),
    });
    return 'answered';
  }

  /**
   * The job's last attempt failed too (OpenAI down for minutes, say): rather than leave the customer
   * unanswered in a dead-letter queue, the conversation goes to a person, who is told why in the logs.
   * False when even that fails; the job then goes to the dead-letter queue.
   */
  async function lastResort(job: InboundJob, error: unknown): Promise<boolean> {
    d.logger.error('assistant failed on every attempt; handing the conversation to a person', {
      contact: maskContact(job.contact),
      wamid: job.wamid,
      error: String(error),
      metric: 'assistant_failed',
    });
    try {
      await handoff(job, 'assistant_failed');
      return true;
    } catch (handoffError) {
      d.logger.error('could not hand the conversation over either; the job goes to the dead-letter queue', {
        wamid: job.wamid,
        error: String(handoffError),
      });
      return false;
    }
  }

  async function handoff(
    job: InboundJob,
    reason: string,
    by: StatusActor = { kind: 'assistant' },
    language?: string,
  ): Promise<void> {
    // Only the first handoff speaks, in the customer's language; the conversation then waits for a person.
    // The notice is the platform's, not an answer: it goes out although the conversation is now a person's.
    if (await d.conversations.requestHuman(job.contact, { by, reason, at: d.clock.now().toISOString() }))
      await reply(job, repliesIn(language, d.replies).handoff, 'handoff', 'system');
    d.logger.info('assistant handed the conversation to a person', {
      contact: maskContact(job.contact),
      reason,
      metric: 'assistant_handoff',
    });
  }

  /** Through the normal send path: the message table, the send queue, rate limits, statuses, conversation. */
  async function reply(
    job: InboundJob,
    text: string,
    kind: string,
    source: 'ai' | 'system' = 'ai',
    sources: readonly CitedSource[] = [],
  ): Promise<void> {
    // Derived from the customer's message, so a retried job queues the same reply instead of a second one.
    const id = deterministicUlid(`ai:${kind}:${job.wamid}`, Date.parse(job.at) || d.clock.now().getTime());
    await d.outbox.queue({ id, to: job.contact, text, source, ...(sources.length ? { sources } : {}) });
  }

  function handle(event: SQSEvent): Promise<SQSBatchResponse> {
    return consumeJsonRecords<InboundJob>(event, d.logger, 'assistant job', async (job, record) => {
      try {
        const outcome = await respond(job);
        d.logger.debug('assistant outcome', { outcome, wamid: job.wamid });
        return 'done';
      } catch (error) {
        // Earlier attempts fail and are retried; the last one hands over instead (false: that failed too).
        if (Number(record.attributes?.ApproximateReceiveCount ?? '1') < d.maxReceiveCount) throw error;
        return (await lastResort(job, error)) ? 'done' : 'retry';
      }
    });
  }

  return Object.assign(handle, { respond });
}

/** The pages an answer came from, best first, each once (what the inbox shows under the answer). */
function citedSources(passages: readonly { url: string; title: string }[]): CitedSource[] {
  const seen = new Map<string, CitedSource>();
  for (const p of passages) {
    if (seen.size >= 3) break;
    if (!seen.has(p.url)) seen.set(p.url, { url: p.url, ...(p.title ? { title: p.title } : {}) });
  }
  return [...seen.values()];
}
