/**
 * The send worker: one send-queue record per task, decoded at the edge into named fields. Records of a
 * batch run side by side; each reports its own failure (partial batch responses) with the delay before
 * its retry. The work itself is in sending/ (a recipient's send, a single message's send) and in the
 * campaign's completion.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { forRecord } from '../correlation';
import { retryDelaySeconds } from '../domain/backoff';
import type { Campaign, SendError, SendTask } from '../domain/campaign';
import type { Mode } from '../domain/mode';
import type { Logger } from '../logger';
import {
  type CampaignCounters,
  type CampaignStore,
  type Clock,
  type ContactStore,
  type ConversationStore,
  type LaunchQueue,
  type MessageStore,
  noMetrics,
  type RecipientStore,
  type RedeliveryControl,
  type SendMetrics,
  type SendQueue,
  type SentRecords,
  type WhatsAppSender,
} from '../ports';
import { CampaignCompletion } from './campaign-completion';
import type { SendPacer } from './pacer';
import { makeCampaignSend } from './sending/campaign-send';
import { CounterBatch } from './sending/counter-batch';
import { Delivery } from './sending/delivery';
import { makeMessageSend } from './sending/message-send';
import { DONE, type Outcome } from './sending/outcome';
import { RecipientLedger } from './sending/recipient-ledger';

export interface SendWorkerDeps {
  readonly campaigns: CampaignStore & CampaignCounters;
  readonly recipients: RecipientStore;
  readonly contacts: ContactStore;
  readonly messages: MessageStore;
  readonly conversations: ConversationStore;
  /** What a sent message leaves behind: its wamid lookup and its conversation message, written together. */
  readonly sentRecords: SentRecords;
  readonly whatsapp: WhatsAppSender;
  readonly sendQueue: SendQueue;
  readonly redelivery: RedeliveryControl;
  /** Shared by every job that sends for this number: in this process, or (in AWS) in every container. */
  readonly pacer: SendPacer;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly mode: Mode;
  readonly maxAttempts: number;
  /** The queue's maxReceiveCount: on the last receive a failing record is recorded as dead-lettered. */
  readonly maxReceiveCount: number;
  /** How long a claim holds; longer than one Graph call with its timeout. */
  readonly claimLeaseMs?: number;
  /** The Graph request timeout (WHATSAPP_REQUEST_TIMEOUT_MS): a request starts only if it can end in time. */
  readonly requestTimeoutMs?: number;
  /** Marketing templates are not sent to United States numbers (SKIP_US_MARKETING). */
  readonly skipUsMarketing?: boolean;
  /**
   * The send queue's visibility timeout: a record held for half of it gets it again (a heartbeat), so a
   * job still at work is never handed to another worker meanwhile.
   */
  readonly visibilityTimeoutSeconds?: number;
  readonly metrics?: SendMetrics;
  readonly probeDelaySeconds?: number;
  /** How long recipients must be still before completion corrects a lasting counter difference (counters.ts). */
  readonly quietMs?: number;
  /** Asks the launcher to plan quiet-hours releases (the worker itself may not create schedules). */
  readonly launchQueue: LaunchQueue;
  /** Reads a queue body into a task, or says why it is none (the queue adapter's own format). */
  readonly decode: (body: string) => { ok: true; task: SendTask } | { ok: false; problem: string };
}

export function makeSendWorker(d: SendWorkerDeps) {
  const leaseMs = d.claimLeaseMs ?? 20_000;
  // The defaults are the platform's (functions/resources.ts); compose passes the configured ones.
  const requestTimeoutMs = d.requestTimeoutMs ?? 4_000;
  const visibilitySeconds = d.visibilityTimeoutSeconds ?? 54;
  const metrics = d.metrics ?? noMetrics;
  // Counter moves are written once per batch and campaign (sending/counter-batch.ts).
  const counterBatch = new CounterBatch(d.campaigns, d.logger);
  const ledger = new RecipientLedger(d.recipients, counterBatch);
  const delivery = new Delivery({
    whatsapp: d.whatsapp,
    pacer: d.pacer,
    metrics,
    sent: d.sentRecords,
    logger: d.logger,
  });
  const completion = new CampaignCompletion({
    ...d,
    ...(d.probeDelaySeconds ? { probeDelaySeconds: d.probeDelaySeconds } : {}),
  });
  const limits = {
    mode: d.mode,
    maxAttempts: d.maxAttempts,
    maxReceiveCount: d.maxReceiveCount,
    leaseMs,
    requestTimeoutMs,
  };
  const campaignSend = makeCampaignSend({ ...d, ...limits, ledger, delivery, completion });
  const messageSend = makeMessageSend({ ...d, ...limits, delivery });

  /**
   * Records are processed side by side and each on its own: one waiting for a slow Graph answer holds
   * none of the others (which go on through the shared pacer), and each reports its own outcome.
   * `context` is Lambda's: its remaining time is the deadline no Graph request may run past.
   */
  return async function handle(
    event: SQSEvent,
    context?: { getRemainingTimeInMillis(): number },
  ): Promise<SQSBatchResponse> {
    const deadlineMs = context
      ? d.clock.now().getTime() + context.getRemainingTimeInMillis()
      : Number.POSITIVE_INFINITY;
    // One read of each campaign per batch: its state, template and generation are the same for every task.
    const campaigns = new Map<string, Promise<Campaign | undefined>>();
    const campaignOf = (id: string) => {
      if (!campaigns.has(id)) campaigns.set(id, d.campaigns.get(id));
      return campaigns.get(id)!;
    };
    const failures: { itemIdentifier: string }[] = [];
    const held = new Set(event.Records);
    const heartbeat = setInterval(
      () => {
        for (const record of held) {
          d.redelivery.retryAfter(record.receiptHandle, visibilitySeconds).catch((error) => {
            d.logger.warn('could not extend a held record; another worker may get it', {
              messageId: record.messageId,
              error: String(error),
            });
          });
        }
      },
      (visibilitySeconds * 1000) / 2,
    );
    heartbeat.unref?.();
    try {
      await Promise.all(
        event.Records.map(async (record) => {
          const outcome = await forRecord(record, () => processRecord(record, campaignOf, deadlineMs));
          held.delete(record);
          if (outcome.retryAfterSeconds === undefined) return;
          failures.push({ itemIdentifier: record.messageId });
          try {
            await d.redelivery.retryAfter(record.receiptHandle, outcome.retryAfterSeconds);
          } catch (error) {
            d.logger.warn('could not delay the retry; the visibility timeout applies', {
              error: String(error),
            });
          }
        }),
      );
    } finally {
      clearInterval(heartbeat);
      await counterBatch.flush();
    }
    delivery.trouble?.flush();
    metrics.flush();
    return { batchItemFailures: failures };
  };

  async function processRecord(
    record: SQSRecord,
    campaignOf: (id: string) => Promise<Campaign | undefined>,
    deadlineMs: number,
  ): Promise<Outcome> {
    const decoded = d.decode(record.body);
    if (!decoded.ok) {
      d.logger.error(`send job is ${decoded.problem}; dropping it`, { messageId: record.messageId });
      return DONE;
    }
    const task = decoded.task;
    const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
    try {
      switch (task.kind) {
        case 'recipient':
          return await campaignSend.send(task, await campaignOf(task.campaignId), receiveCount, deadlineMs);
        case 'message':
          return await messageSend(task.messageId, receiveCount, deadlineMs);
        case 'probe':
          await counterBatch.flush();
          await completion.probe(task, await campaignOf(task.campaignId));
          return DONE;
        case 'receipt':
          await sendReceipt(task);
          return DONE;
      }
    } catch (error) {
      const lastReceive = receiveCount >= d.maxReceiveCount;
      d.logger.error(
        lastReceive
          ? 'send job failed for the last time; it goes to the DLQ'
          : 'send job failed; it will be retried',
        { messageId: record.messageId, error: String(error) },
      );
      if (lastReceive && task.kind === 'recipient') await recordDeadLetter(task, error);
      return { retryAfterSeconds: retryDelaySeconds(receiveCount) };
    }
  }

  /**
   * Blue ticks and the typing indicator are courtesies: not paced with messages (they are not messages),
   * and not retried (a receipt a minute late helps nobody), but a failure is logged with its reason.
   */
  async function sendReceipt(task: Extract<SendTask, { kind: 'receipt' }>): Promise<void> {
    const result = await d.whatsapp.markRead(task.wamid, { typing: task.typing });
    if (!result.ok) {
      d.logger.warn('read receipt not accepted by WhatsApp', {
        wamid: task.wamid,
        code: result.failure.code,
        title: result.failure.title,
      });
    }
  }

  async function recordDeadLetter(
    task: Extract<SendTask, { kind: 'recipient' }>,
    cause: unknown,
  ): Promise<void> {
    const error: SendError = {
      code: 'dead_lettered',
      title: 'Moved to the dead-letter queue',
      message: `the send job failed ${d.maxReceiveCount} times: ${String(cause).slice(0, 300)}`,
    };
    try {
      const key = { campaignId: task.campaignId, bucket: task.bucket, phone: task.phone };
      await ledger.deadLettered(key, error, d.clock.now().toISOString());
    } catch (recordError) {
      d.logger.error('could not record the dead letter on the recipient', { error: String(recordError) });
    }
  }
}
