import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { PAIR_GAP_MS, retryDelaySeconds } from '../domain/backoff';
import {
  type Campaign,
  type CompletionProbe,
  campaignCallbackData,
  messageCallbackData,
  type SendError,
  type SendJob,
} from '../domain/campaign';
import { StateConflictError } from '../domain/errors';
import type { Mode } from '../domain/mode';
import { describeContent, type OutboundContent } from '../domain/outbound-message';
import { maskContact, maskPhone } from '../domain/redact';
import { decideContent, isWindowOpen } from '../domain/send-decision';
import { recipientOpening } from '../domain/send-window';
import { type SendFailure, UNCERTAIN_RETRY_SECONDS } from '../domain/whatsapp-errors';
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
  type RecipientKey,
  type RecipientStore,
  type RedeliveryControl,
  type SendMetrics,
  type SendQueue,
  type WhatsAppSender,
} from '../ports';
import { reconcileCounts } from './counters';
import { countryZoneFor } from './country-zone';
import type { Pacer } from './pacer';

export interface SendWorkerDeps {
  readonly campaigns: CampaignStore & CampaignCounters;
  readonly recipients: RecipientStore;
  readonly contacts: ContactStore;
  readonly messages: MessageStore;
  readonly conversations: ConversationStore;
  readonly whatsapp: WhatsAppSender;
  readonly sendQueue: SendQueue;
  readonly redelivery: RedeliveryControl;
  readonly pacer: Pacer;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly mode: Mode;
  readonly maxAttempts: number;
  /** The queue's maxReceiveCount: on the last receive a failing record is recorded as dead-lettered. */
  readonly maxReceiveCount: number;
  /** How long a claim holds; longer than one Graph call with its timeout. */
  readonly claimLeaseMs?: number;
  readonly metrics?: SendMetrics;
  readonly probeDelaySeconds?: number;
  /** Asks the launcher to plan quiet-hours releases (the worker itself may not create schedules). */
  readonly launchQueue: LaunchQueue;
}

type Outcome = { readonly retryAfterSeconds?: number };
const DONE: Outcome = {};

/** Wamid lookups outlive WhatsApp's 30-day message lifetime. */
const WAMID_REF_TTL_SECONDS = 35 * 24 * 3600;

/**
 * The send worker: one SQS record per send job. Each recipient is claimed with a conditional write
 * before the Graph call and marked sent right after it, so a redelivered or duplicated job sends nothing
 * twice. The only gap left is a crash between WhatsApp accepting a message and the write that records it
 * (one network round trip); then the claim's lease expires and the recipient is sent again.
 */
export function makeSendWorker(d: SendWorkerDeps) {
  const lease = d.claimLeaseMs ?? 60_000;
  const metrics = d.metrics ?? noMetrics;
  // Releases this process has already planned: one schedule per campaign and opening is enough.
  const plannedReleases = new Set<string>();

  return async function handle(event: SQSEvent): Promise<SQSBatchResponse> {
    const campaignCache = new Map<string, Promise<Campaign | undefined>>();
    const campaignOf = (id: string) => {
      let found = campaignCache.get(id);
      if (!found) {
        found = d.campaigns.get(id);
        campaignCache.set(id, found);
      }
      return found;
    };

    const failures: { itemIdentifier: string }[] = [];
    await Promise.all(
      event.Records.map(async (record) => {
        const outcome = await processRecord(record, campaignOf);
        if (outcome.retryAfterSeconds !== undefined) {
          failures.push({ itemIdentifier: record.messageId });
          try {
            await d.redelivery.retryAfter(record.receiptHandle, outcome.retryAfterSeconds);
          } catch (error) {
            d.logger.warn('could not delay the retry; the visibility timeout applies', {
              error: String(error),
            });
          }
        }
      }),
    );
    metrics.flush();
    return { batchItemFailures: failures };
  };

  async function processRecord(
    record: SQSRecord,
    campaignOf: (id: string) => Promise<Campaign | undefined>,
  ): Promise<Outcome> {
    let job: SendJob;
    try {
      job = JSON.parse(record.body) as SendJob;
    } catch {
      d.logger.error('send job is not JSON; dropping it', { messageId: record.messageId });
      return DONE;
    }
    const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
    try {
      switch (job.t) {
        case 'c':
          return await sendToRecipient(job, await campaignOf(job.c), receiveCount);
        case 'm':
          return await sendSingle(job.m, receiveCount);
        case 'p':
          return await probe(job, await campaignOf(job.c));
        default:
          d.logger.error('unknown send job type; dropping it', { messageId: record.messageId });
          return DONE;
      }
    } catch (error) {
      const lastReceive = receiveCount >= d.maxReceiveCount;
      d.logger.error(
        lastReceive
          ? 'send job failed for the last time; it goes to the DLQ'
          : 'send job failed; it will be retried',
        {
          messageId: record.messageId,
          error: String(error),
        },
      );
      if (lastReceive && job.t === 'c') await recordDeadLetter(job, error);
      return { retryAfterSeconds: retryDelaySeconds(receiveCount) };
    }
  }

  async function recordDeadLetter(job: Extract<SendJob, { t: 'c' }>, cause: unknown): Promise<void> {
    const error: SendError = {
      code: 'dead_lettered',
      title: 'Moved to the dead-letter queue',
      message: `the send job failed ${d.maxReceiveCount} times: ${String(cause).slice(0, 300)}`,
    };
    try {
      const key = { campaignId: job.c, bucket: job.b, phone: job.p };
      if (await d.recipients.markDeadLettered(key, error, d.clock.now().toISOString())) {
        await d.campaigns.addCounts(job.c, { queued: -1, failed: 1 });
      }
    } catch (recordError) {
      d.logger.error('could not record the dead letter on the recipient', { error: String(recordError) });
    }
  }

  async function sendToRecipient(
    job: Extract<SendJob, { t: 'c' }>,
    campaign: Campaign | undefined,
    receiveCount: number,
  ): Promise<Outcome> {
    const key: RecipientKey = { campaignId: job.c, bucket: job.b, phone: job.p };
    const now = d.clock.now();
    if (!campaign) return DONE;
    if (campaign.state === 'cancelled') {
      if (await d.recipients.markSkipped(key, 'cancelled', now.toISOString())) {
        await d.campaigns.addCounts(campaign.id, { queued: -1, skipped: 1 });
      }
      return DONE;
    }
    // Paused, or a job from an earlier launch: resuming enqueues the recipient again under the new generation.
    if (campaign.state !== 'running' || job.g !== campaign.gen) return DONE;

    const token = randomUUID();
    const claim = await d.recipients.claim(key, token, now.getTime(), lease);
    if (!claim.claimed) {
      const current = claim.current;
      if (current?.status === 'queued') {
        d.logger.debug('recipient is being sent by another job; checking again after the lease', {
          campaignId: campaign.id,
          to: maskPhone(job.p),
        });
        return { retryAfterSeconds: Math.ceil(lease / 1000) };
      }
      return DONE; // already sent, failed or skipped: a duplicate delivery
    }
    const recipient = claim.recipient;
    if (recipient.deferredUntil) {
      // Waiting for its quiet hours to end: the release sends it.
      await d.recipients.release(key, token, { countAttempt: false });
      return DONE;
    }
    if (campaign.sendWindow) {
      const countryZone = await countryZoneFor(campaign.sendWindow);
      const opening = recipientOpening(now, campaign.sendWindow, job.p, recipient.variables, countryZone);
      if (opening) {
        await deferRecipient(campaign.id, key, token, opening);
        return DONE;
      }
    }
    const marketing = campaign.template.category === 'marketing';
    const slot = await d.contacts.reserveSendSlot(
      job.p,
      now.getTime(),
      PAIR_GAP_MS,
      marketing ? 'marketing' : 'any',
    );
    if (!slot.ok) {
      if (slot.reason === 'opted_out') {
        if (await d.recipients.markSkipped(key, 'opted_out', now.toISOString(), token)) {
          await d.campaigns.addCounts(campaign.id, { queued: -1, skipped: 1 });
        }
        return DONE;
      }
      await d.recipients.release(key, token, { countAttempt: false });
      return { retryAfterSeconds: Math.ceil(slot.waitMs / 1000) };
    }

    const decision = decideContent(
      campaign.template,
      recipient.variables,
      isWindowOpen(slot.contact.lastInboundAt, now),
      d.mode,
    );
    if (!decision.ok) {
      await d.contacts.releaseSendSlot(job.p, now.getTime());
      const error: SendError = { code: decision.code, title: 'Not sendable', message: decision.message };
      if (
        await d.recipients.markFailed(
          key,
          token,
          error,
          { retryable: false, countAttempt: false },
          now.toISOString(),
        )
      ) {
        await d.campaigns.addCounts(campaign.id, { queued: -1, failed: 1 });
      }
      return DONE;
    }
    if (decision.warning) d.logger.warn(decision.warning, { campaignId: campaign.id, to: maskPhone(job.p) });

    const result = await deliver(job.p, decision.content, campaignCallbackData(campaign.id, job.b, job.p));
    const at = d.clock.now().toISOString();
    if (result.ok) {
      const recorded = await d.recipients.markSent(key, token, result.wamid, at);
      if (!recorded) {
        d.logger.warn('sent, but the claim had expired and another job took the recipient over', {
          campaignId: campaign.id,
          to: maskPhone(job.p),
          wamid: result.wamid,
          heldMs: Date.now() - now.getTime(),
        });
      }
      if (recorded) {
        await Promise.all([
          d.campaigns.addCounts(campaign.id, { queued: -1, sent: 1 }),
          d.messages.putWamidRef(
            result.wamid,
            { kind: 'campaign', campaignId: campaign.id, bucket: job.b, phone: job.p },
            epochSeconds(now) + WAMID_REF_TTL_SECONDS,
          ),
          recordOutbound(job.p, result.wamid, at, decision.content, 'campaign', campaign.id),
        ]);
      }
      return DONE;
    }

    const failure = result.failure;
    const error = toSendError(failure);
    const attempts = recipient.attempts + 1;
    if (failure.action === 'pause') {
      await d.recipients.release(key, token, { error, countAttempt: true });
      await pauseForAccountError(campaign.id, failure);
      return DONE;
    }
    const lastChance = attempts >= d.maxAttempts || receiveCount >= d.maxReceiveCount;
    if (failure.action === 'retry' && !lastChance) {
      await d.recipients.release(key, token, { error, countAttempt: true });
      return { retryAfterSeconds: retryAfter(failure, attempts) };
    }
    if (
      await d.recipients.markFailed(
        key,
        token,
        error,
        { retryable: failure.action === 'retry', countAttempt: true },
        at,
      )
    ) {
      await d.campaigns.addCounts(campaign.id, { queued: -1, failed: 1 });
    }
    return DONE;
  }

  /** Outside its quiet hours (the campaign ran into the evening): wait for the next opening. */
  async function deferRecipient(
    campaignId: string,
    key: RecipientKey,
    token: string,
    opening: Date,
  ): Promise<void> {
    const until = opening.toISOString();
    if (!(await d.recipients.defer(key, until, { token }))) return;
    await d.campaigns.addCounts(campaignId, { waiting: 1 });
    const plan = `${campaignId}|${until}`;
    if (!plannedReleases.has(plan)) {
      await d.launchQueue.send({ campaignId, gen: 0, action: 'plan_release', at: until });
      plannedReleases.add(plan);
    }
    d.logger.debug('recipient outside its quiet hours; waiting', {
      campaignId,
      to: maskPhone(key.phone),
      until,
    });
  }

  async function sendSingle(messageId: string, receiveCount: number): Promise<Outcome> {
    const message = await d.messages.get(messageId);
    if (message?.status !== 'queued') return DONE;
    const now = d.clock.now();
    const token = randomUUID();
    if (!(await d.messages.claim(messageId, token, now.getTime(), lease))) {
      const current = await d.messages.get(messageId);
      return current?.status === 'queued' ? { retryAfterSeconds: Math.ceil(lease / 1000) } : DONE;
    }
    // The assistant never talks over a person: a reply it prepared before an agent wrote (or took the
    // conversation) is dropped right before it would be sent.
    if (message.source === 'ai') {
      const conversation = await d.conversations.get(message.to);
      if (!conversation?.aiEnabled || conversation.needsHuman) {
        await d.messages.release(messageId, token, { countAttempt: false });
        await d.messages.markSkipped(messageId, now.toISOString(), 'person_took_over');
        d.logger.info('assistant reply dropped: a person has the conversation', { messageId });
        return DONE;
      }
    }
    const marketing = message.template?.category === 'marketing';
    const scope = message.ignoreOptOut ? 'none' : marketing ? 'marketing' : 'any';
    const slot = await d.contacts.reserveSendSlot(message.to, now.getTime(), PAIR_GAP_MS, scope);
    if (!slot.ok) {
      if (slot.reason === 'opted_out') {
        await d.messages.release(messageId, token, { countAttempt: false });
        await d.messages.markSkipped(messageId, now.toISOString());
        return DONE;
      }
      await d.messages.release(messageId, token, { countAttempt: false });
      return { retryAfterSeconds: Math.ceil(slot.waitMs / 1000) };
    }
    const windowOpen = isWindowOpen(slot.contact.lastInboundAt, now);
    let content: OutboundContent;
    if (message.text !== undefined) {
      if (!windowOpen) {
        await d.contacts.releaseSendSlot(message.to, now.getTime());
        await d.messages.markFailed(
          messageId,
          token,
          {
            code: 'window_closed',
            title: 'Customer service window closed',
            message: 'free-form messages need a customer message in the last 24 hours; send a template',
          },
          { countAttempt: false },
          now.toISOString(),
        );
        return DONE;
      }
      content = { kind: 'text', body: message.text };
    } else {
      const decision = decideContent(message.template!, message.variables ?? {}, windowOpen, d.mode);
      if (!decision.ok) {
        await d.contacts.releaseSendSlot(message.to, now.getTime());
        await d.messages.markFailed(
          messageId,
          token,
          { code: decision.code, title: 'Not sendable', message: decision.message },
          { countAttempt: false },
          now.toISOString(),
        );
        return DONE;
      }
      if (decision.warning) d.logger.warn(decision.warning, { messageId, to: maskContact(message.to) });
      content = decision.content;
    }
    const result = await deliver(message.to, content, messageCallbackData(messageId));
    const at = d.clock.now().toISOString();
    if (result.ok) {
      if (await d.messages.markSent(messageId, token, result.wamid, at)) {
        await Promise.all([
          d.messages.putWamidRef(
            result.wamid,
            { kind: 'message', messageId },
            epochSeconds(now) + WAMID_REF_TTL_SECONDS,
          ),
          recordOutbound(message.to, result.wamid, at, content, message.source ?? 'api'),
        ]);
      }
      return DONE;
    }
    const failure = result.failure;
    const error = toSendError(failure);
    const attempts = message.attempts + 1;
    if (failure.action === 'retry' && attempts < d.maxAttempts && receiveCount < d.maxReceiveCount) {
      await d.messages.release(messageId, token, { error, countAttempt: true });
      return { retryAfterSeconds: retryAfter(failure, attempts) };
    }
    await d.messages.markFailed(messageId, token, error, { countAttempt: true }, at);
    return DONE;
  }

  /** Every outbound message joins the customer's conversation, once (keyed by its wamid). */
  async function recordOutbound(
    contact: string,
    wamid: string,
    at: string,
    content: OutboundContent,
    source: 'campaign' | 'api' | 'agent' | 'ai' | 'system',
    campaignId?: string,
  ): Promise<void> {
    await d.conversations.append({
      contact,
      wamid,
      direction: 'out',
      at,
      type: content.kind,
      ...(content.kind === 'text' ? { text: content.body } : {}),
      summary: describeContent(content),
      source,
      ...(campaignId ? { campaignId } : {}),
    });
  }

  async function deliver(to: string, content: OutboundContent, callbackData: string) {
    await d.pacer.acquire();
    const result = await d.whatsapp.send({ to, content, callbackData });
    if (result.ok) metrics.sent();
    else metrics.failed(String(result.failure.code ?? result.failure.httpStatus ?? 'network'));
    if (!result.ok && result.failure.code === 130429) {
      // Throughput limit hit: hold this worker back a second so its peers' share is not exceeded again.
      d.pacer.pause(1000);
    }
    return result;
  }

  async function pauseForAccountError(campaignId: string, failure: SendFailure): Promise<void> {
    const reason = `WhatsApp error ${failure.code}: ${failure.title}${failure.details ? ` (${failure.details})` : ''}`;
    try {
      await d.campaigns.changeState(campaignId, ['running'], 'paused', {
        pausedAt: d.clock.now().toISOString(),
        pauseReason: reason,
      });
      d.logger.error('campaign paused: the account cannot send', { campaignId, reason });
    } catch (error) {
      if (!(error instanceof StateConflictError)) throw error;
    }
  }

  /** Checks whether every recipient has settled; completes the campaign, or looks again shortly. */
  async function probe(job: CompletionProbe, campaign: Campaign | undefined): Promise<Outcome> {
    if (campaign?.state !== 'running' || campaign.gen !== job.g) return DONE;
    const { counts, waiting } = await d.campaigns.tally(campaign.id);
    let queued = counts.queued;
    if (queued > 0 && waiting >= queued) {
      // Everyone left is waiting for quiet hours to end; their release sends a new probe. The counters are
      // checked against the recipients first, so a drifted counter cannot stall the campaign.
      const actual = await d.recipients.histogram(campaign.id, campaign.buckets);
      if (actual.waiting !== waiting)
        await d.campaigns.addCounts(campaign.id, { waiting: actual.waiting - waiting });
      if (actual.queued > 0 && actual.queued === actual.waiting) return DONE;
      queued = actual.queued;
    }

    const stalled = queued === job.q ? job.s + 1 : 0;
    // Counters could miss an increment if a worker died between two writes: when progress stops for a
    // while, ask the recipients themselves (at 10, 20, 40... quiet probes).
    if (queued > 0 && stalled >= 10 && Number.isInteger(Math.log2(stalled / 10))) {
      queued = (await d.recipients.histogram(campaign.id, campaign.buckets)).queued;
    }
    if (queued <= 0) {
      try {
        await d.campaigns.changeState(campaign.id, ['running'], 'completed', {
          completedAt: d.clock.now().toISOString(),
        });
      } catch (error) {
        if (!(error instanceof StateConflictError)) throw error;
        return DONE;
      }
      // Check the counters against the recipients themselves; a lasting difference (a worker died between
      // its two writes) is corrected, and recorded in countCorrections.
      if (await reconcileCounts(d, campaign.id, campaign.buckets)) {
        d.logger.warn('campaign counters disagreed with the recipients; corrected', {
          campaignId: campaign.id,
        });
      }
      d.logger.info('campaign completed', { campaignId: campaign.id });
      return DONE;
    }
    await d.sendQueue.enqueue([{ ...job, s: stalled, q: counts.queued }], {
      delaySeconds: d.probeDelaySeconds ?? 3,
    });
    return DONE;
  }
}

function retryAfter(failure: SendFailure, attempts: number): number {
  const delay = retryDelaySeconds(attempts);
  // A timed-out request may have been accepted: give its `sent` webhook time to arrive and settle it.
  if (failure.uncertain) return Math.max(delay, UNCERTAIN_RETRY_SECONDS);

  // Pair rate limit: the same user may get one message per 6 seconds.
  return failure.code === 131056 ? Math.max(delay, PAIR_GAP_MS / 1000) : delay;
}

function toSendError(f: SendFailure): SendError {
  return { code: f.code, title: f.title, message: f.message, ...(f.details ? { details: f.details } : {}) };
}

function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
