/** How the send worker Lambda is assembled from Deps; its handler file and the local runtime both call this. Nothing runs on import. */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { DataDeps } from '../deps/data';
import type { SendingDeps } from '../deps/sending';
import { MAX_SEND_ATTEMPTS, QUEUES } from '../resources';
import { makeSendWorker } from '../services/send-worker';

export function sendWorker(deps: DataDeps & SendingDeps): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return makeSendWorker({
    campaigns: deps.campaigns,
    recipients: deps.recipients,
    contacts: deps.contacts,
    messages: deps.messages,
    conversations: deps.conversations,
    whatsapp: deps.whatsapp,
    sendQueue: deps.sendQueue,
    redelivery: deps.sendRedelivery,
    pacer: deps.pacer,
    clock: deps.clock,
    logger: deps.logger,
    mode: deps.config.mode,
    maxAttempts: Math.min(deps.config.send.maxAttempts, MAX_SEND_ATTEMPTS),
    maxReceiveCount: QUEUES.send.maxReceiveCount,
    claimLeaseMs: deps.config.send.claimLeaseMs,
    metrics: deps.metrics,
    launchQueue: deps.launchQueue,
  });
}
