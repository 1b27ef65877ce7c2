/** The api function: the whole Hono app. It sends nothing itself (messages go through the send queue). */

import { QueuedReadReceipts } from '../adapters/sqs/read-receipts';
import { createApp } from '../http/app';
import { makeApiKeyVerifier } from '../http/auth';
import { LAMBDA_PASS_THROUGH_BYTES } from '../http/routes/media';
import type { CampaignScheduler } from '../ports';
import { Accounts } from '../services/accounts';
import { type Assistant, buildAssistant } from './assistant';
import { campaignService, eventBridgeScheduler } from './campaigns';
import type { Context } from './context';
import { exportJobs } from './exports';
import { alertingConversationStore } from './handoff-alerts';
import { mediaStore } from './media';
import { outbox } from './outbox';
import { crawlQueue, hookQueue, sendQueue } from './queues';
import {
  apiKeyStore,
  campaignStore,
  cannedReplyStore,
  contactStore,
  idempotencyStore,
  knowledgeStore,
  listStore,
  messageStore,
  recipientStore,
  sessionStore,
  signInThrottle,
  templateStore,
  userStore,
  webhookStore,
} from './stores';
import { metaTemplates } from './template-service';

export interface ApiOptions {
  /** The local runtime's DEV_API_KEY, accepted besides stored keys (never in Lambda). */
  readonly devApiKey?: string;
  /** Shared with the local runtime's assistant and crawler, so one index serves all three. */
  readonly assistant?: Assistant;
  /** EventBridge Scheduler by default; the local runtime brings its timer. */
  readonly scheduler?: CampaignScheduler;
}

/** Console accounts: users, sessions and sign-in throttling, all in the users table. */
export const accounts = (c: Context) =>
  new Accounts({
    users: userStore(c),
    sessions: sessionStore(c),
    throttle: signInThrottle(c),
    clock: c.clock,
    logger: c.logger,
    ...(c.config.adminPassword
      ? { firstAdmin: { email: c.config.adminEmail, password: c.config.adminPassword } }
      : {}),
  });

export function buildApi(c: Context, options: ApiOptions = {}) {
  const keys = apiKeyStore(c);
  return createApp({
    templates: templateStore(c),
    campaignService: campaignService(c, options.scheduler ?? eventBridgeScheduler(c)),
    analytics: campaignStore(c),
    exportJobs: exportJobs(c, 'get'),
    maxDownloadRows: c.config.exports.maxDownloadRows,
    recipients: recipientStore(c),
    contacts: contactStore(c),
    messages: messageStore(c),
    conversations: alertingConversationStore(c),
    cannedReplies: cannedReplyStore(c),
    receipts: new QueuedReadReceipts(sendQueue(c)),
    inboxReadReceipts: c.config.inbox.readReceipts,
    sendQueue: sendQueue(c),
    clock: c.clock,
    lists: listStore(c),
    knowledge: knowledgeStore(c),
    crawlQueue: crawlQueue(c),
    idempotency: idempotencyStore(c),
    outbox: outbox(c),
    verifyApiKey: makeApiKeyVerifier(keys, options.devApiKey),
    accounts: accounts(c),
    apiKeys: keys,
    settings: {
      mode: c.config.mode,
      ...(c.config.whatsapp.phoneNumberId ? { phoneNumberId: c.config.whatsapp.phoneNumberId } : {}),
      sendRatePerSecond: c.config.send.ratePerSecond,
      // In AWS the webhook's secrets are the webhook function's alone: the api cannot tell.
      verifyTokenConfigured: c.fn === 'local' ? Boolean(c.config.whatsapp.webhookVerifyToken) : 'unknown',
      appSecretConfigured: c.fn === 'local' ? Boolean(c.config.whatsapp.appSecret) : 'unknown',
      openAiConfigured: Boolean(c.config.openai.apiKey),
    },
    logger: c.logger,
    mode: c.config.mode,
    media: {
      store: mediaStore(c, 'get', 'put'),
      maxBytes: c.config.media.maxBytes,
      // Lambda passes at most 6 MB each way; the local runtime streams any size itself.
      ...(c.fn === 'api' ? { redirectAboveBytes: LAMBDA_PASS_THROUGH_BYTES } : {}),
    },
    assistant: options.assistant ?? buildAssistant(c),
    crawlerPolicy: { allowLoopback: c.config.crawler.allowPrivateHosts },
    metaTemplates: metaTemplates(c),
    webhooks: {
      store: webhookStore(c),
      queue: hookQueue(c),
      allowLoopback: c.config.webhooks.allowLoopback,
    },
  });
}
