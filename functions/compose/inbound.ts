/** The inbound function: the assistant that answers customers from the website's content. */
import { QueuedReadReceipts } from '../adapters/sqs/read-receipts';
import { QUEUES } from '../resources';
import { makeResponder } from '../services/responder';
import { type Assistant, buildAssistant } from './assistant';
import type { Context } from './context';
import { alertingConversationStore } from './handoff-alerts';
import { outbox } from './outbox';
import { sendQueue } from './queues';
import { contactStore } from './stores';

export function buildInbound(c: Context, options: { assistant?: Assistant } = {}) {
  const assistant = options.assistant ?? buildAssistant(c);
  return makeResponder({
    conversations: alertingConversationStore(c),
    contacts: contactStore(c),
    outbox: outbox(c),
    knowledge: assistant.knowledgeBase,
    clock: c.clock,
    logger: c.logger,
    handoffKeywords: c.config.assistant.handoffKeywords,
    ...(c.config.assistant.replies ? { replies: c.config.assistant.replies } : {}),
    maxReceiveCount: QUEUES.inbound.maxReceiveCount,
    ...(c.config.inbox.assistantTyping ? { receipts: new QueuedReadReceipts(sendQueue(c)) } : {}),
  });
}
