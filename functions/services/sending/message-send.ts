/** A single message's send (API, agent, assistant, or the platform's own): claimed, checked, sent once. */
import { randomUUID } from 'node:crypto';
import { PAIR_GAP_MS } from '../../domain/backoff';
import { messageCallbackData } from '../../domain/campaign';
import { assistantMayAnswer } from '../../domain/conversation-status';
import { isUserId } from '../../domain/identity';
import type { Mode } from '../../domain/mode';
import { mediaContent, type OutboundContent } from '../../domain/outbound-message';
import { maskContact } from '../../domain/redact';
import { decideContent, isWindowOpen } from '../../domain/send-decision';
import type { Logger } from '../../logger';
import type { Clock, ContactStore, ConversationStore, MessageStore } from '../../ports';
import { WINDOW_CLOSED } from '../outbox';
import {
  type Delivery,
  epochSeconds,
  RECORD_MARGIN_MS,
  toSendError,
  WAMID_REF_TTL_SECONDS,
} from './delivery';
import { DONE, type Outcome, reachedNobody, retryAfter } from './outcome';

export interface MessageSendDeps {
  readonly messages: MessageStore;
  readonly contacts: ContactStore;
  readonly conversations: Pick<ConversationStore, 'get'>;
  readonly delivery: Delivery;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly mode: Mode;
  readonly maxAttempts: number;
  readonly maxReceiveCount: number;
  readonly leaseMs: number;
  /** The Graph request timeout: a request starts only if it ends before the claim does. */
  readonly requestTimeoutMs: number;
}

const AUTH_NEEDS_PHONE =
  'authentication templates cannot be sent to a business-scoped user id; WhatsApp needs the phone number';

export function makeMessageSend(d: MessageSendDeps) {
  /** `deadlineMs`: when the invocation is cut off (Lambda's timeout), on the worker's clock. */
  return async function send(
    messageId: string,
    receiveCount: number,
    deadlineMs = Number.POSITIVE_INFINITY,
  ): Promise<Outcome> {
    const message = await d.messages.get(messageId);
    if (message?.status !== 'queued') return DONE;
    const now = d.clock.now();
    const token = randomUUID();
    if (!(await d.messages.claim(messageId, token, now.getTime(), d.leaseMs))) {
      const current = await d.messages.get(messageId);
      return current?.status === 'queued' ? { retryAfterSeconds: Math.ceil(d.leaseMs / 1000) } : DONE;
    }
    const skip = async (reason: 'opted_out' | 'person_took_over') => {
      await d.messages.release(messageId, token, { countAttempt: false });
      await d.messages.markSkipped(messageId, now.toISOString(), reason);
      return DONE;
    };
    const fail = async (code: string, title: string, text: string) => {
      await d.contacts.releaseSendSlot(message.to, now.getTime());
      await d.messages.markFailed(
        messageId,
        token,
        { code, title, message: text },
        { countAttempt: false },
        now.toISOString(),
      );
      return DONE;
    };
    // The assistant never talks over a person: a reply it prepared before an agent wrote (or took the
    // conversation) is dropped right before it would be sent.
    if (message.source === 'ai') {
      const conversation = await d.conversations.get(message.to);
      if (!conversation || !assistantMayAnswer(conversation)) {
        d.logger.info('assistant reply dropped: a person has the conversation', { messageId });
        return skip('person_took_over');
      }
    }
    const marketing = message.template?.category === 'marketing';
    const scope = message.ignoreOptOut ? 'none' : marketing ? 'marketing' : 'any';
    const slot = await d.contacts.reserveSendSlot(message.to, now.getTime(), PAIR_GAP_MS, scope);
    if (!slot.ok) {
      if (slot.reason === 'opted_out') return skip('opted_out');
      await d.messages.release(messageId, token, { countAttempt: false });
      return { retryAfterSeconds: Math.ceil(slot.waitMs / 1000) };
    }
    const windowOpen = isWindowOpen(slot.contact.lastInboundAt, now);
    let content: OutboundContent;
    if (message.media) {
      if (!windowOpen) return fail('window_closed', 'Customer service window closed', WINDOW_CLOSED);
      content = mediaContent(message.media);
    } else if (message.text !== undefined) {
      if (!windowOpen) return fail('window_closed', 'Customer service window closed', WINDOW_CLOSED);
      content = { kind: 'text', body: message.text };
    } else {
      if (message.template!.category === 'authentication' && isUserId(message.to)) {
        // WhatsApp refuses these (131062): one-tap, zero-tap and copy-code templates need the phone.
        return fail('phone_required', 'Phone number required', AUTH_NEEDS_PHONE);
      }
      const decision = decideContent(message.template!, message.variables ?? {}, windowOpen, d.mode);
      if (!decision.ok) return fail(decision.code, 'Not sendable', decision.message);
      if (decision.warning) d.logger.warn(decision.warning, { messageId, to: maskContact(message.to) });
      content = decision.content;
    }
    // As for a campaign recipient: the request must be over and recorded before the claim or the
    // invocation runs out, or this job steps back (nothing sent) and comes again in a second.
    const sendBy = Math.min(now.getTime() + d.leaseMs, deadlineMs) - RECORD_MARGIN_MS;
    const result = await d.delivery.sendIf(
      async () => d.clock.now().getTime() + d.requestTimeoutMs <= sendBy,
      message.to,
      content,
      messageCallbackData(messageId),
    );
    if (!result) {
      await d.contacts.releaseSendSlot(message.to, now.getTime());
      await d.messages.release(messageId, token, { countAttempt: false });
      return { retryAfterSeconds: 1 };
    }
    const at = d.clock.now().toISOString();
    if (result.ok) {
      if (await d.messages.markSent(messageId, token, result.wamid, at)) {
        await d.delivery.record({
          contact: message.to,
          wamid: result.wamid,
          at,
          content,
          source: message.source ?? 'api',
          about: {
            ...(message.agent ? { agent: message.agent } : {}),
            ...(message.sources ? { sources: message.sources } : {}),
          },
          ref: { kind: 'message', messageId, conversation: { contact: message.to, at } },
          expiresAt: epochSeconds(now) + WAMID_REF_TTL_SECONDS,
        });
      }
      return DONE;
    }
    const failure = result.failure;
    const error = toSendError(failure);
    const attempts = message.attempts + 1;
    if (failure.action === 'retry' && attempts < d.maxAttempts && receiveCount < d.maxReceiveCount) {
      if (reachedNobody(failure)) await d.contacts.releaseSendSlot(message.to, now.getTime());
      await d.messages.release(messageId, token, { error, countAttempt: true });
      return { retryAfterSeconds: retryAfter(failure, attempts) };
    }
    await d.messages.markFailed(messageId, token, error, { countAttempt: true }, at);
    return DONE;
  };
}
