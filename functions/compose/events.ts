/** The events function: statuses, inbound messages and opt-outs from the events queue. */
import { CampaignResponses } from '../services/campaign-responses';
import { makeEventsProcessor } from '../services/events';
import { changeParking } from './buckets';
import type { Context } from './context';
import { alertingConversationStore } from './handoff-alerts';
import { announcedCampaignStore, eventPublisher } from './hooks';
import { inboundMedia } from './media';
import { webhookMetaTemplates } from './meta-templates';
import { outbox } from './outbox';
import { inboundQueue, launchQueue, redelivery } from './queues';
import { contactStore, conversationStore, messageStore, recipientStore, statusTarget } from './stores';

/** A day and a few minutes: the release comes after Meta's 24 hours, never just before. */
const HOLD_BACK_MS = 24 * 3_600_000 + 5 * 60_000;

export function buildEvents(c: Context) {
  return makeEventsProcessor({
    statuses: statusTarget(c),
    messages: messageStore(c),
    campaigns: announcedCampaignStore(c),
    conversations: alertingConversationStore(c),
    contacts: contactStore(c),
    inboundQueue: inboundQueue(c),
    outbox: outbox(c),
    parking: changeParking(c, 'get', 'delete'),
    media: inboundMedia(c),
    redelivery: redelivery(c, 'events'),
    clock: c.clock,
    logger: c.logger,
    optOutKeywords: c.config.optOutKeywords,
    assistantDelaySeconds: c.config.assistant.coalesceSeconds,
    templates: webhookMetaTemplates(c),
    events: eventPublisher(c),
    // Meta asks for at least 24 hours before a held-back marketing message is tried again.
    holdBack: { campaigns: announcedCampaignStore(c), launchQueue: launchQueue(c), delayMs: HOLD_BACK_MS },
    responses: new CampaignResponses({
      conversations: conversationStore(c),
      campaigns: announcedCampaignStore(c),
      recipients: recipientStore(c),
      logger: c.logger,
    }),
  });
}
