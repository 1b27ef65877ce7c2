/** The send worker: claims, paces and sends from the send queue. */

import { decodeSendTask } from '../adapters/sqs/send-jobs';
import type { WhatsAppSender } from '../ports';
import { MAX_SEND_ATTEMPTS, QUEUES, visibilityTimeoutSeconds } from '../resources';
import type { SendPacer } from '../services/pacer';
import { makeSendWorker } from '../services/send-worker';
import type { Context } from './context';
import { announcedCampaignStore } from './hooks';
import { mediaStore } from './media';
import { launchQueue, redelivery, sendQueue } from './queues';
import { sendMetrics, whatsAppSender, workerPacer } from './sending';
import { contactStore, conversationStore, messageStore, recipientStore, sentRecords } from './stores';

export interface SendWorkerOptions {
  readonly whatsapp?: WhatsAppSender;
  /**
   * By default the slots shared by every Lambda container (in DynamoDB); locally one in-memory pacer for
   * all the pollers of the process.
   */
  readonly pacer?: SendPacer;
  /** Where the DEV console sender prints; stdout by default. */
  readonly print?: (line: string) => void;
}

export function buildSendWorker(c: Context, options: SendWorkerOptions = {}) {
  return makeSendWorker({
    campaigns: announcedCampaignStore(c),
    recipients: recipientStore(c),
    contacts: contactStore(c),
    messages: messageStore(c),
    conversations: conversationStore(c),
    sentRecords: sentRecords(c),
    whatsapp: options.whatsapp ?? whatsAppSender(c.config, options.print, mediaStore(c, 'get')),
    sendQueue: sendQueue(c),
    redelivery: redelivery(c, 'send'),
    pacer: options.pacer ?? workerPacer(c),
    clock: c.clock,
    logger: c.logger,
    mode: c.config.mode,
    maxAttempts: Math.min(c.config.send.maxAttempts, MAX_SEND_ATTEMPTS),
    maxReceiveCount: QUEUES.send.maxReceiveCount,
    claimLeaseMs: c.config.send.claimLeaseMs,
    requestTimeoutMs: c.config.whatsapp.requestTimeoutMs,
    skipUsMarketing: c.config.send.skipUsMarketing,
    visibilityTimeoutSeconds: visibilityTimeoutSeconds(QUEUES.send),
    metrics: sendMetrics(),
    launchQueue: launchQueue(c),
    decode: decodeSendTask,
  });
}
