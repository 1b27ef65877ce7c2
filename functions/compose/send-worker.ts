/** The send worker: claims, paces and sends from the send queue. */

import { decodeSendTask } from '../adapters/sqs/send-jobs';
import type { WhatsAppSender } from '../ports';
import { MAX_SEND_ATTEMPTS, QUEUES } from '../resources';
import type { Pacer } from '../services/pacer';
import { makeSendWorker } from '../services/send-worker';
import type { Context } from './context';
import { launchQueue, redelivery, sendQueue } from './queues';
import { sendMetrics, whatsAppSender, workerPacer } from './sending';
import { campaignStore, contactStore, conversationStore, messageStore, recipientStore } from './stores';

export interface SendWorkerOptions {
  readonly whatsapp?: WhatsAppSender;
  /** By default each worker paces itself as one of sendConcurrency workers; locally one pacer is shared. */
  readonly pacer?: Pacer;
  /** Where the DEV console sender prints; stdout by default. */
  readonly print?: (line: string) => void;
}

export function buildSendWorker(c: Context, options: SendWorkerOptions = {}) {
  return makeSendWorker({
    campaigns: campaignStore(c),
    recipients: recipientStore(c),
    contacts: contactStore(c),
    messages: messageStore(c),
    conversations: conversationStore(c),
    whatsapp: options.whatsapp ?? whatsAppSender(c.config, options.print),
    sendQueue: sendQueue(c),
    redelivery: redelivery(c, 'send'),
    pacer: options.pacer ?? workerPacer(c.config),
    clock: c.clock,
    logger: c.logger,
    mode: c.config.mode,
    maxAttempts: Math.min(c.config.send.maxAttempts, MAX_SEND_ATTEMPTS),
    maxReceiveCount: QUEUES.send.maxReceiveCount,
    claimLeaseMs: c.config.send.claimLeaseMs,
    metrics: sendMetrics(),
    launchQueue: launchQueue(c),
    decode: decodeSendTask,
  });
}
