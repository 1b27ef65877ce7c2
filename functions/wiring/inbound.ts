/** How the inbound (assistant) Lambda is assembled; its handler file and the local runtime both call this. */

import type { DataDeps } from '../deps/data';
import { QUEUES } from '../resources';
import { makeResponder } from '../services/responder';
import type { Assistant } from './assistant';

export function responder(deps: DataDeps, assistant: Assistant) {
  return makeResponder({
    conversations: deps.conversations,
    contacts: deps.contacts,
    messages: deps.messages,
    sendQueue: deps.sendQueue,
    knowledge: assistant.knowledgeBase,
    clock: deps.clock,
    logger: deps.logger,
    handoffKeywords: deps.config.assistant.handoffKeywords,
    maxReceiveCount: QUEUES.inbound.maxReceiveCount,
  });
}
