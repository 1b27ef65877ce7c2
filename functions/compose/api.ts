/** The api function: the whole Hono app. It sends nothing itself (messages go through the send queue). */

import { createApp } from '../http/app';
import { makeApiKeyVerifier } from '../http/auth';
import type { CampaignScheduler } from '../ports';
import { type Assistant, buildAssistant } from './assistant';
import { campaignService, eventBridgeScheduler } from './campaigns';
import type { Context } from './context';
import { outbox } from './outbox';
import { crawlQueue, sendQueue } from './queues';
import {
  apiKeyStore,
  contactStore,
  conversationStore,
  idempotencyStore,
  knowledgeStore,
  listStore,
  messageStore,
  recipientStore,
  templateStore,
} from './stores';

export interface ApiOptions {
  /** The local runtime's DEV_API_KEY, accepted besides stored keys (never in Lambda). */
  readonly devApiKey?: string;
  /** Shared with the local runtime's assistant and crawler, so one index serves all three. */
  readonly assistant?: Assistant;
  /** EventBridge Scheduler by default; the local runtime brings its timer. */
  readonly scheduler?: CampaignScheduler;
}

export function buildApi(c: Context, options: ApiOptions = {}) {
  return createApp({
    templates: templateStore(c),
    campaignService: campaignService(c, options.scheduler ?? eventBridgeScheduler(c)),
    recipients: recipientStore(c),
    contacts: contactStore(c),
    messages: messageStore(c),
    conversations: conversationStore(c),
    sendQueue: sendQueue(c),
    clock: c.clock,
    lists: listStore(c),
    knowledge: knowledgeStore(c),
    crawlQueue: crawlQueue(c),
    idempotency: idempotencyStore(c),
    outbox: outbox(c),
    verifyApiKey: makeApiKeyVerifier(apiKeyStore(c), options.devApiKey),
    logger: c.logger,
    mode: c.config.mode,
    assistant: options.assistant ?? buildAssistant(c),
    crawlerPolicy: { allowLoopback: c.config.crawler.allowPrivateHosts },
  });
}
