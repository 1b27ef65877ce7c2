/**
 * Telling people that a customer waits for one. Every way a conversation becomes `open` (the assistant
 * gives up, the customer asks, an agent or an API client hands it over, a resolved conversation restarts
 * with the assistant off) passes through the conversation store, so the alert is raised there, once per
 * change, by wrapping the store: no caller can hand over without the team hearing of it.
 */
import type { Conversation } from '../domain/conversation';
import type { StatusAction, StatusActor } from '../domain/conversation-status';
import { maskContact } from '../domain/redact';
import { actorOf, conversationEvent } from '../domain/webhooks/announce';
import type { Logger } from '../logger';
import type { ConversationStore, EventPublisher, HandoffAlert, HandoffAlerts } from '../ports';
import { noEvents } from './event-publisher';

const REASONS: Record<string, string> = {
  customer_asked: 'the customer asked for a person',
  model_cannot_answer: "the assistant could not answer from the website's content",
  assistant_failed: 'the assistant failed on every attempt',
  person: 'a member of the team handed it over',
  needs_human: 'a member of the team handed it over',
  agent_replied: 'a member of the team replied',
  assistant_off: 'the customer wrote again and the assistant is off for them',
};

/** The words of an alert; the number is masked (e-mails travel further than the console). */
export function describeHandoff(alert: HandoffAlert): { subject: string; body: string } {
  const who = alert.profileName
    ? `${alert.profileName} (${maskContact(alert.contact)})`
    : maskContact(alert.contact);
  const why = REASONS[alert.reason ?? ''] ?? alert.reason ?? 'handed over';
  return {
    subject: 'A WhatsApp customer is waiting for a person',
    body: `${who} is waiting for a person since ${alert.at}: ${why}.\nOpen the inbox in the console to answer.`,
  };
}

/** Locally (and wherever no topic is configured) the alert is a log line. */
export function loggedHandoffAlerts(logger: Logger): HandoffAlerts {
  return {
    async handedOff(alert) {
      logger.warn('a customer is waiting for a person', {
        contact: maskContact(alert.contact),
        reason: alert.reason ?? 'person',
        at: alert.at,
        metric: 'conversation_handoff',
      });
    },
  };
}

/**
 * The store, raising an alert whenever a change lands a conversation in `open` (a failed alert is logged),
 * and announcing every status change that has an event (handoff, assigned, resolved) to the webhooks.
 */
export function alertingConversations<T extends ConversationStore>(
  store: T,
  alerts: HandoffAlerts,
  logger: Logger,
  events: EventPublisher = noEvents,
): T {
  async function announce(
    c: Pick<Conversation, 'contact' | 'profileName' | 'status' | 'assigneeId' | 'assigneeName'>,
    at: string,
    by?: StatusActor,
    reason?: string,
  ) {
    const event = conversationEvent({
      contact: c.contact,
      ...(c.profileName ? { profileName: c.profileName } : {}),
      status: c.status,
      at,
      ...(by ? { by: actorOf(by) } : {}),
      ...(reason ? { reason } : {}),
      ...(c.assigneeId ? { assigneeId: c.assigneeId } : {}),
      ...(c.assigneeName ? { assigneeName: c.assigneeName } : {}),
    });
    if (event) await events.publish([event]);
  }
  async function raise(
    c: Pick<Conversation, 'contact' | 'profileName'>,
    reason: string | undefined,
    at: string,
  ) {
    try {
      await alerts.handedOff({
        contact: c.contact,
        ...(c.profileName ? { profileName: c.profileName } : {}),
        ...(reason ? { reason } : {}),
        at,
      });
    } catch (error) {
      logger.error('could not tell the team about a handoff', { error: String(error) });
    }
  }
  const changeStatus = store.changeStatus.bind(store);
  const requestHuman = store.requestHuman.bind(store);
  const wrapped = Object.create(store) as T;
  Object.assign(wrapped, {
    async changeStatus(contact: string, action: StatusAction, by: StatusActor, at: string) {
      const result = await changeStatus(contact, action, by, at);
      if (!result.changed) return result;
      const reason =
        action.type === 'handoff'
          ? action.reason
          : action.type === 'customer_message'
            ? 'assistant_off'
            : undefined;
      if (result.conversation.status === 'open') await raise(result.conversation, reason, at);
      await announce(result.conversation, at, by, reason);
      return result;
    },
    async requestHuman(contact: string, options: { by?: StatusActor; reason?: string; at?: string } = {}) {
      // The store's own requestHuman goes through its changeStatus, not this one: raise here.
      const moved = await requestHuman(contact, options);
      if (moved) {
        const c = await store.get(contact);
        const at = options.at ?? new Date().toISOString();
        await raise(c ?? { contact }, options.reason, at);
        await announce({ ...(c ?? { contact }), status: 'open' }, at, options.by, options.reason);
      }
      return moved;
    },
  });
  return wrapped;
}
