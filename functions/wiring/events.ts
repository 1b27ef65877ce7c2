/** How the events Lambda is assembled from Deps; its handler file and the local runtime both call this. */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { DataDeps } from '../deps/data';
import { makeEventsProcessor } from '../services/events';

export function eventsProcessor(deps: DataDeps): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return makeEventsProcessor({
    statuses: deps.statuses,
    messages: deps.messages,
    campaigns: deps.campaigns,
    conversations: deps.conversations,
    contacts: deps.contacts,
    inboundQueue: deps.inboundQueue,
    sendQueue: deps.sendQueue,
    redelivery: deps.eventsRedelivery,
    clock: deps.clock,
    logger: deps.logger,
    optOutKeywords: deps.config.optOutKeywords,
    assistantDelaySeconds: deps.config.assistant.coalesceSeconds,
  });
}
