import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { ulid } from 'ulid';
import { forEachLimit } from '../concurrency';
import { forRecord } from '../correlation';
import {
  addStats,
  lateSendStats,
  newLatencyStats,
  pricingStats,
  STAT,
  statsOfMove,
} from '../domain/analytics';
import { parseCallbackData } from '../domain/campaign';
import { storedText } from '../domain/conversation';
import { assistantMayAnswer } from '../domain/conversation-status';
import { StateConflictError } from '../domain/errors';
import { readInboundMedia } from '../domain/media';
import type { WamidRef } from '../domain/message';
import type { TemplateWebhookUpdate } from '../domain/meta-template';
import { keywordIntent } from '../domain/opt-out';
import type { StatusUpdate } from '../domain/recipient-status';
import { maskContact } from '../domain/redact';
import { updatesOf, type WebhookChange, type WebhookUpdate } from '../domain/webhook';
import {
  buttonClickedEvent,
  contactOptEvent,
  messageReceivedEvent,
  messageStatusEvent,
} from '../domain/webhooks/announce';
import type { PlatformEvent } from '../domain/webhooks/events';
import type { Logger } from '../logger';
import type {
  CampaignCounters,
  CampaignStore,
  ChangeParking,
  Clock,
  ContactStore,
  ContactUpdates,
  ConversationStore,
  CounterDelta,
  EventPublisher,
  InboundQueue,
  LaunchQueue,
  MessageStore,
  RedeliveryControl,
  StatusTarget,
} from '../ports';
import type { CampaignResponses } from './campaign-responses';
import { type InboundMediaKeeper, MediaRetryLater } from './inbound-media';
import type { Outbox } from './outbox';
import { mergeDeltas } from './sending/counter-batch';

export interface EventsDeps {
  readonly statuses: StatusTarget;
  readonly messages: MessageStore;
  readonly campaigns: CampaignCounters;
  readonly conversations: ConversationStore;
  readonly contacts: ContactStore & ContactUpdates;
  readonly inboundQueue: InboundQueue;
  readonly outbox: Outbox;
  readonly parking: Pick<ChangeParking, 'take' | 'discard'>;
  /** Downloads a customer's media into the media bucket as the message arrives (its link soon expires). */
  readonly media: InboundMediaKeeper;
  readonly redelivery: RedeliveryControl;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly optOutKeywords: readonly string[];
  /** How long a message for the assistant waits, so a burst from one customer gets one answer. */
  readonly assistantDelaySeconds: number;
  /** Template webhooks (status, quality, category) update Meta's view of the template (services/meta-templates.ts). */
  readonly templates?: { apply(update: TemplateWebhookUpdate): Promise<void> };
  /**
   * The business's webhooks. An event is published before its change is acknowledged, so a failed
   * publish brings the change back (applying it again changes nothing; the event keeps its id).
   */
  readonly events?: EventPublisher;
  /**
   * Meta's per-user marketing limit (131049): a running campaign's recipient is held back and sent once
   * more after `delayMs` (at least 24 hours), through the quiet-hours release, instead of failing.
   */
  readonly holdBack?: {
    readonly campaigns: Pick<CampaignStore, 'get' | 'changeState'>;
    readonly launchQueue: LaunchQueue;
    readonly delayMs: number;
  };
  /** Replies, button taps and opt-outs counted for the campaigns that caused them (analytics). */
  readonly responses?: CampaignResponses;
}

/**
 * A status can arrive before the send that caused it is recorded (the webhook races the worker's write),
 * so one for an unknown message is retried: after 2, 4, 8, 16 and 32 seconds, about a minute in all. On
 * its sixth receive it is dropped and counted. Statuses of messages another tool sent from the same
 * number end the same way: they never reach the dead-letter queue (maxReceiveCount 8), so they page no one.
 */
export const UNKNOWN_STATUS_RECEIVES = 6;
/** Seconds before a record is retried after its `attempt`-th receive failed. */
export const redeliveryDelaySeconds = (attempt: number) => Math.min(60, 2 ** Math.max(1, attempt));

export const CONFIRMATIONS = {
  opt_out: 'You are unsubscribed and will get no more messages from us. Reply START to subscribe again.',
  opt_out_marketing: 'You will get no more promotional messages from us. Reply START to get them again.',
  opt_in: 'Welcome back: you are subscribed again. Reply STOP at any time to unsubscribe.',
} as const;

class NotYetKnown extends Error {}

/**
 * The events consumer: each SQS record is one change from a webhook. Every update in it is applied
 * idempotently, so a record retried (or a webhook Meta redelivers) changes nothing twice.
 */
export function makeEventsProcessor(d: EventsDeps) {
  return async function handle(event: SQSEvent): Promise<SQSBatchResponse> {
    const failures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      if (await forRecord(record, () => handleRecord(record)))
        failures.push({ itemIdentifier: record.messageId });
    }
    return { batchItemFailures: failures };
  };

  /** One change; true when it must come back (an update could not be applied yet). */
  async function handleRecord(record: SQSRecord): Promise<boolean> {
    const attempt = Number(record.attributes?.ApproximateReceiveCount ?? '1');
    let change: WebhookChange;
    let parked: string | undefined;
    try {
      const body = JSON.parse(record.body) as WebhookChange | { parked: string };
      if ('parked' in body) {
        // Too large for a queue message: the webhook parked it and queued its key.
        parked = body.parked;
        const text = await d.parking.take(parked);
        if (text === undefined) {
          d.logger.error('a parked change is gone (expired, or applied already); nothing to apply', {
            key: parked,
          });
          return false;
        }
        change = JSON.parse(text) as WebhookChange;
      } else change = body;
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      d.logger.error('event is not JSON; dropping it', { messageId: record.messageId });
      return false;
    }
    let retry = false;
    // Counter moves are summed per campaign and written once per change, not once per status.
    const deltas = new Map<string, CounterDelta>();
    const applyOne = async (update: WebhookUpdate) => {
      try {
        await apply(update, deltas, attempt);
      } catch (error) {
        retry = true;
        // Both were logged where they arose; the change comes back after a delay.
        if (error instanceof NotYetKnown || error instanceof MediaRetryLater) return;
        d.logger.error('could not apply a webhook update; the change will be retried', {
          kind: update.kind,
          error: String(error),
        });
      }
    };
    // Statuses of different messages are independent and go in parallel; each message's own statuses,
    // and everything else (inbound messages, opt-outs), keep Meta's order.
    const updates = updatesOf(change);
    const byMessage = new Map<string, WebhookUpdate[]>();
    const ordered: WebhookUpdate[] = [];
    for (const u of updates) {
      if (u.kind === 'status') byMessage.set(u.wamid, [...(byMessage.get(u.wamid) ?? []), u]);
      else ordered.push(u);
    }
    for (const u of ordered) await applyOne(u);
    await forEachLimit([...byMessage.values()], 16, async (group) => {
      for (const u of group) await applyOne(u);
    });
    for (const [campaignId, delta] of deltas) {
      try {
        await d.campaigns.addCounts(campaignId, delta);
      } catch (error) {
        // The statuses are recorded; a recount (automatic at completion) restores the counters.
        d.logger.error('could not move campaign counters', { campaignId, error: String(error) });
      }
    }
    if (retry) {
      await d.redelivery
        .retryAfter(record.receiptHandle, redeliveryDelaySeconds(attempt))
        .catch(() => undefined);
    } else if (parked) {
      await d.parking.discard(parked);
    }
    return retry;
  }

  async function apply(
    update: WebhookUpdate,
    deltas: Map<string, CounterDelta>,
    attempt: number,
  ): Promise<void> {
    switch (update.kind) {
      case 'status':
        return applyStatus(update, deltas, attempt);
      case 'message':
        return applyInbound(update, attempt);
      case 'preference':
        return applyPreference(update);
      case 'error':
        d.logger.warn('WhatsApp reported an error', {
          code: update.error.code,
          title: update.error.title,
          details: update.error.details,
          metric: 'webhook_error',
        });
        return;
      case 'template_status':
      case 'template_quality':
      case 'template_category':
        if (d.templates) return d.templates.apply(update);
        d.logger.info('template webhook not applied here; logged only', {
          kind: update.kind,
          template: update.name,
        });
        return;
      case 'other':
        d.logger.info('webhook field not handled; logged only', { field: update.field, keys: update.detail });
        return;
    }
  }

  async function applyStatus(
    update: Extract<WebhookUpdate, { kind: 'status' }>,
    deltas: Map<string, CounterDelta>,
    attempt: number,
  ): Promise<void> {
    if (!['sent', 'delivered', 'read', 'failed'].includes(update.status)) {
      d.logger.debug('status not tracked', { status: update.status });
      return;
    }
    const ref =
      parseCallbackData(update.callbackData) ??
      (update.wamid ? await d.messages.getWamidRef(update.wamid) : undefined);
    if (!ref) {
      if (attempt < UNKNOWN_STATUS_RECEIVES) throw new NotYetKnown();
      d.logger.info('status for a message this platform did not send (or never recorded); dropped', {
        wamid: update.wamid,
        status: update.status,
        metric: 'status_unknown_message',
      });
      return;
    }
    const statusUpdate: StatusUpdate = {
      status: update.status as StatusUpdate['status'],
      at: update.at,
      wamid: update.wamid,
      ...(update.errors[0] ? { error: update.errors[0] } : {}),
      ...(update.pricing ? { pricing: update.pricing } : {}),
    };
    const heldBack = ref.kind === 'campaign' && (await holdBack(ref, statusUpdate, deltas));
    if (ref.kind === 'campaign' && !heldBack) {
      const change = await d.statuses.applyToRecipient(
        { campaignId: ref.campaignId, bucket: ref.bucket, phone: ref.phone },
        statusUpdate,
      );
      if (change) {
        const moved = change.changed && change.from !== change.to;
        const stats = addStats(
          addStats(
            moved ? statsOfMove({ from: change.from, to: change.to, error: statusUpdate.error }) : {},
            change.stamps
              ? addStats(
                  newLatencyStats(change.stamps.before, change.stamps.after),
                  change.changed
                    ? undefined
                    : lateSendStats(change.stays, change.stamps.before, change.stamps.after),
                )
              : undefined,
          ),
          change.firstPricing ? pricingStats(change.firstPricing) : undefined,
        );
        const titles =
          moved && change.to === 'failed' && statusUpdate.error
            ? { [String(statusUpdate.error.code ?? 'none')]: statusUpdate.error.title }
            : undefined;
        deltas.set(
          ref.campaignId,
          mergeDeltas(deltas.get(ref.campaignId) ?? {}, {
            ...(moved ? { [change.from]: -1, [change.to]: 1 } : {}),
            stats,
            ...(titles ? { titles } : {}),
          }),
        );
      }
      if (statusUpdate.status === 'failed' && statusUpdate.error?.code === 131050) {
        const before = await d.contacts.setOptOut(
          ref.phone,
          { marketingOptOut: true },
          update.at,
          'whatsapp_131050',
        );
        await countResponse((r) => r.optedOut(ref.phone, update.at));
        if (!before.marketingOptOut) {
          await publish(
            contactOptEvent('opted_out', {
              contact: ref.phone,
              scope: 'marketing',
              source: 'whatsapp_131050',
              at: update.at,
            }),
          );
        }
      }
    } else if (ref.kind !== 'campaign') {
      await d.statuses.applyToMessage(ref.messageId, statusUpdate);
    }
    await tickConversation(statusUpdate, ref, attempt);
    const to =
      ref.kind === 'campaign'
        ? ref.phone
        : update.recipientId
          ? `+${update.recipientId.replace(/^\+/, '')}`
          : (update.recipientUserId ?? '');
    await publish(
      messageStatusEvent({
        wamid: update.wamid,
        to,
        status: statusUpdate.status,
        at: update.at,
        ...(ref.kind === 'campaign' ? { campaignId: ref.campaignId } : { messageId: ref.messageId }),
        ...(statusUpdate.error ? { error: statusUpdate.error } : {}),
      }),
    );
  }

  /**
   * A 131049 for a running campaign's recipient, held back the first time: queued again, waiting a day
   * (counted in `waiting`, not as a failure), with a release planned. True when it was held back.
   */
  async function holdBack(
    ref: Extract<WamidRef, { kind: 'campaign' }>,
    update: StatusUpdate,
    deltas: Map<string, CounterDelta>,
  ): Promise<boolean> {
    if (!d.holdBack || !d.statuses.holdBack || update.status !== 'failed' || update.error?.code !== 131049)
      return false;
    const campaign = await d.holdBack.campaigns.get(ref.campaignId);
    // Running or paused, the release (or the resume) sends it; a cancelled campaign never would.
    if (!campaign || !['running', 'paused', 'completed'].includes(campaign.state)) return false;
    const until = new Date(d.clock.now().getTime() + d.holdBack.delayMs).toISOString();
    const key = { campaignId: ref.campaignId, bucket: ref.bucket, phone: ref.phone };
    const from = await d.statuses.holdBack(
      key,
      update.wamid,
      update.error,
      until,
      d.clock.now().toISOString(),
    );
    if (!from) return false;
    if (from === 'already') return true;
    // The campaign had completed with this recipient counted as sent: it runs again until the release.
    if (campaign.state === 'completed') {
      await d.holdBack.campaigns
        .changeState(ref.campaignId, ['completed'], 'running', {}, { clear: ['completedAt'] })
        .catch((error) => {
          if (!(error instanceof StateConflictError)) throw error;
        });
    }
    deltas.set(
      ref.campaignId,
      mergeDeltas(deltas.get(ref.campaignId) ?? {}, {
        ...(from !== 'queued' ? { [from]: -1, queued: 1 } : {}),
        waiting: 1,
        stats: { [STAT.heldBack]: 1 },
      }),
    );
    await d.holdBack.launchQueue.send({
      campaignId: ref.campaignId,
      gen: 0,
      action: 'plan_release',
      at: until,
    });
    d.logger.info('marketing message held back by Meta (131049); sent again after the wait', {
      campaignId: ref.campaignId,
      to: maskContact(ref.phone),
      until,
    });
    return true;
  }

  /**
   * Counts a response for the campaigns' analytics, best effort: a failure here is logged and never holds
   * back the change it came with (an opt-out, a reply for the assistant), which a retry might then skip.
   */
  async function countResponse(count: (r: CampaignResponses) => Promise<void>): Promise<void> {
    if (!d.responses) return;
    try {
      await count(d.responses);
    } catch (error) {
      d.logger.error('could not count a response for campaign analytics', {
        error: String(error),
        metric: 'analytics_response_lost',
      });
    }
  }

  async function publish(...events: PlatformEvent[]): Promise<void> {
    if (d.events) await d.events.publish(events);
  }

  /**
   * Moves the delivery ticks of the conversation's copy of the message. The callback data names the send
   * but not the conversation's copy, so that comes from the wamid lookup written with the send.
   */
  async function tickConversation(update: StatusUpdate, ref: WamidRef, attempt: number): Promise<void> {
    if (!update.wamid) return;
    const lookup = ref.conversation ? ref : await d.messages.getWamidRef(update.wamid);
    // A status can overtake the send's own records (written right after WhatsApp accepts it): it comes
    // back a little later rather than leave the thread at a single tick. A lookup without a conversation
    // is a send recorded before conversations kept ticks: nothing to move.
    if (!lookup) {
      if (attempt < UNKNOWN_STATUS_RECEIVES) throw new NotYetKnown();
      return;
    }
    const where = lookup.conversation;
    if (!where) return;
    const result = await d.conversations.applyDelivery({
      contact: where.contact,
      messageAt: where.at,
      wamid: update.wamid,
      status: update.status,
      at: update.at,
      ...(update.error ? { error: update.error } : {}),
    });
    if (result === 'missing' && attempt < UNKNOWN_STATUS_RECEIVES) throw new NotYetKnown();
  }

  async function applyInbound(
    m: Extract<WebhookUpdate, { kind: 'message' }>,
    attempt: number,
  ): Promise<void> {
    const contact = await contactOf(m);
    if (!contact || !m.wamid) {
      d.logger.warn('inbound message without a sender or id; logged only', { type: m.type });
      return;
    }
    // Before anything is written: a transient download failure throws, and the redelivered change then
    // repeats nothing. A failure that lasts (or cannot pass) is kept on the message as mediaError.
    const inboundMedia = readInboundMedia(m.raw);
    const kept = inboundMedia ? await d.media.keep(inboundMedia, attempt) : undefined;
    const profile = {
      ...(m.profileName ? { name: m.profileName } : {}),
      ...(m.fromUserId ? { userId: m.fromUserId } : {}),
    };
    await d.contacts.recordInbound(contact, m.at, profile);
    const stored = await d.conversations.append(
      {
        contact,
        wamid: m.wamid,
        direction: 'in',
        at: m.at,
        type: m.type,
        ...(m.text !== undefined ? { text: storedText(m.text) } : {}),
        summary: storedText(m.summary),
        source: 'customer',
        ...(kept?.media ? { media: kept.media } : {}),
        ...(kept?.mediaError ? { mediaError: kept.mediaError } : {}),
      },
      profile,
    );
    // Published whether or not this delivery stored it: a publish that failed the first time is made now.
    const tapped = m.type === 'button' || (m.type === 'interactive' && m.buttonPayload !== undefined);
    const tappedRef =
      tapped && m.contextWamid && (d.events || d.responses)
        ? await d.messages.getWamidRef(m.contextWamid)
        : undefined;
    await publish(
      messageReceivedEvent({
        wamid: m.wamid,
        from: contact,
        ...(m.profileName ? { profileName: m.profileName } : {}),
        type: m.type,
        ...(m.text !== undefined ? { text: m.text } : {}),
        summary: m.summary,
        at: m.at,
        ...(m.contextWamid ? { contextWamid: m.contextWamid } : {}),
        ...(kept?.media
          ? {
              media: {
                id: kept.media.id,
                kind: kept.media.kind,
                mimeType: kept.media.mimeType,
                ...(kept.media.size !== undefined ? { size: kept.media.size } : {}),
                ...(kept.media.filename ? { filename: kept.media.filename } : {}),
                ...(kept.media.caption ? { caption: kept.media.caption } : {}),
                url: `/api/media/${kept.media.id}`,
              },
            }
          : {}),
        ...(kept?.mediaError ? { mediaError: kept.mediaError } : {}),
      }),
      ...(tapped
        ? [
            buttonClickedEvent({
              wamid: m.wamid,
              from: contact,
              text: m.text ?? '',
              ...(m.buttonPayload !== undefined ? { payload: m.buttonPayload } : {}),
              at: m.at,
              ...(m.contextWamid ? { contextWamid: m.contextWamid } : {}),
              ...(tappedRef?.kind === 'campaign' ? { campaignId: tappedRef.campaignId } : {}),
            }),
          ]
        : []),
    );
    const keywordText = ['text', 'button', 'interactive'].includes(m.type) ? m.text : undefined;
    const intent = keywordText !== undefined ? keywordIntent(keywordText, d.optOutKeywords) : undefined;
    // The campaign analytics, whether or not this delivery stored the message: each is recorded once on
    // its recipient, so a delivery that failed after storing it counts it now and a second one does not.
    await countResponse(async (r) => {
      if (tapped && tappedRef?.kind === 'campaign')
        await r.tapped(
          { campaignId: tappedRef.campaignId, bucket: tappedRef.bucket, phone: tappedRef.phone },
          m.text || m.buttonPayload || '',
          m.at,
        );
      if (intent === 'opt_out' || intent === 'opt_out_marketing') await r.optedOut(contact, m.at);
      else if (!intent) await r.replied(contact, m.at);
    });
    if (!stored) return; // a redelivery: everything below already happened once
    d.logger.info('inbound message', { contact: maskContact(contact), type: m.type, wamid: m.wamid });

    if (intent) {
      await applyKeyword(contact, intent, m.at);
      return;
    }
    const [found, record] = await Promise.all([d.conversations.get(contact), d.contacts.getRecord(contact)]);
    let conversation = found;
    // The customer writes again after a person resolved the conversation: it starts again, as the
    // assistant's (or waiting for a person when the assistant is off for this contact).
    if (conversation?.status === 'resolved') {
      conversation = (
        await d.conversations.changeStatus(contact, { type: 'customer_message' }, { kind: 'customer' }, m.at)
      ).conversation;
    }
    if (conversation && assistantMayAnswer(conversation) && !record?.optedOut) {
      await d.inboundQueue.send(
        {
          contact,

          wamid: m.wamid,
          type: m.type,
          ...(m.text ? { text: m.text } : {}),
          at: m.at,
        },
        { delaySeconds: d.assistantDelaySeconds },
      );
    }
  }

  /**
   * The customer's key: the phone when the message carries it (linking the user id to it, and merging a
   * conversation that began under the user id), else the phone the user id was linked to, else the id.
   */
  async function contactOf(m: Extract<WebhookUpdate, { kind: 'message' }>): Promise<string | undefined> {
    if (m.from && m.fromUserId) {
      if (await d.contacts.linkUserId(m.fromUserId, m.from)) {
        const moved = await d.conversations.mergeInto(m.fromUserId, m.from);
        if (moved > 0)
          d.logger.info('conversation merged into the phone', { contact: maskContact(m.from), moved });
      }
      return m.from;
    }
    if (m.from) return m.from;
    if (!m.fromUserId) return undefined;
    return (await d.contacts.phoneOf(m.fromUserId)) ?? m.fromUserId;
  }

  async function applyKeyword(
    contact: string,
    intent: 'opt_out' | 'opt_out_marketing' | 'opt_in',
    at: string,
  ) {
    const change =
      intent === 'opt_out'
        ? { optedOut: true }
        : intent === 'opt_out_marketing'
          ? { marketingOptOut: true }
          : { optedOut: false, marketingOptOut: false };
    const before = await d.contacts.setOptOut(contact, change, at, 'keyword');
    const changed =
      intent === 'opt_out'
        ? !before.optedOut
        : intent === 'opt_out_marketing'
          ? !before.marketingOptOut
          : Boolean(before.optedOut || before.marketingOptOut);
    d.logger.info('opt-out keyword', { contact: maskContact(contact), intent, changed });
    if (!changed) return;
    await publish(
      contactOptEvent(intent === 'opt_in' ? 'opted_in' : 'opted_out', {
        contact,
        scope: intent === 'opt_out_marketing' ? 'marketing' : 'all',
        source: 'keyword',
        at,
      }),
    );
    await confirm(contact, CONFIRMATIONS[intent]);
  }

  async function applyPreference(p: Extract<WebhookUpdate, { kind: 'preference' }>): Promise<void> {
    if (!p.waId || p.category !== 'marketing_messages' || (p.value !== 'stop' && p.value !== 'resume')) {
      d.logger.info('user preference not handled', { category: p.category, value: p.value });
      return;
    }
    const contact = `+${p.waId.replace(/^\+/, '')}`;
    await d.contacts.setOptOut(contact, { marketingOptOut: p.value === 'stop' }, p.at, 'user_preferences');
    if (p.value === 'stop') await countResponse((r) => r.optedOut(contact, p.at));
    await publish(
      contactOptEvent(p.value === 'stop' ? 'opted_out' : 'opted_in', {
        contact,
        scope: 'marketing',
        source: 'user_preferences',
        at: p.at,
      }),
    );
  }

  /** One confirmation, sent through the normal send path; it may reach a contact who just opted out. */
  async function confirm(contact: string, text: string): Promise<void> {
    await d.outbox.queue({
      id: ulid(d.clock.now().getTime()),
      to: contact,
      text,
      source: 'system',
      ignoreOptOut: true,
    });
  }
}
